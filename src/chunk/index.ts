export { chunkId, normaliseRelPath } from './chunk-id';
export { mapRelPath, samePath } from './dest-paths';
export { selectAnchors, type Anchor } from './select-anchors';
export { TreeChunker, createChunker, compareChunks } from './tree-chunker';
