import { RobocurseError, type Copier } from '../api';
import { traitsOf } from '../errors/catalogue';

/** A profile names an engine nobody registered. */
export class UnknownEngineError extends RobocurseError {
  constructor(readonly engine: string, known: string[]) {
    super('ENGINE_UNKNOWN', `unknown engine '${engine}' (known: ${known.join(', ')})`, traitsOf('ENGINE_UNKNOWN'));
  }
}

/** Creates one Copier; called at most once per registry, on first use. */
export type CopierFactory = () => Copier;

/**
 * Engines by name, created on first use so a run that uses rsync never loads the robocopy log
 * parser (start-up stays lean) and a missing optional engine fails only the profile using it.
 */
export class CopierRegistry {
  private readonly instances = new Map<string, Copier>();
  private readonly factories = new Map<string, CopierFactory>();

  constructor(factories: Record<string, CopierFactory> = {}) {
    for (const [name, f] of Object.entries(factories)) this.factories.set(name, f);
  }

  register(name: string, factory: CopierFactory): void {
    if (this.factories.has(name)) throw new Error(`engine '${name}' is registered twice`);
    this.factories.set(name, factory);
  }

  names(): string[] { return [...this.factories.keys()]; }

  /** The engine called `name`; throws naming the known engines when there is none. */
  get(name: string): Copier {
    const existing = this.instances.get(name);
    if (existing) return existing;
    const factory = this.factories.get(name);
    if (!factory) throw new UnknownEngineError(name, this.names());
    const copier = factory();
    this.instances.set(name, copier);
    return copier;
  }

  /** Closes every engine created so far (worker pools); idempotent. */
  async closeAll(): Promise<void> {
    const all = [...this.instances.values()];
    this.instances.clear();
    await Promise.all(all.map((c) => c.close?.()));
  }
}
