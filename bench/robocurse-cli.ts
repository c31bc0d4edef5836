/**
 * `bin/robocurse.js` for the build this file is compiled into: benches built into another outDir
 * (experiments) run that build's CLI as a whole process, exactly as the launcher would.
 */
import { main } from '../src/cli/main';

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
