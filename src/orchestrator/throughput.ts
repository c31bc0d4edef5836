/**
 * Recent throughput over a sliding window of (time, bytes) samples. Time spent suspended is
 * cut out: `pause()` drops the window and `resume()` starts a new one, so a frozen job never
 * drags the rate (and so the ETA) down.
 */
export class ThroughputMeter {
  private samples: { t: number; bytes: number }[] = [];
  private paused = false;

  constructor(private readonly windowMs = 30_000, private readonly minSpanMs = 2_000) {}

  sample(t: number, totalBytes: number): void {
    if (this.paused) return;
    this.samples.push({ t, bytes: totalBytes });
    while (this.samples.length > 2 && t - this.samples[1].t >= this.windowMs) this.samples.shift();
  }

  pause(): void { this.paused = true; this.samples = []; }
  resume(): void { this.paused = false; this.samples = []; }

  /** Bytes per second, or undefined until the window spans enough time to mean something. */
  bytesPerSecond(): number | undefined {
    if (this.samples.length < 2) return undefined;
    const a = this.samples[0]; const b = this.samples[this.samples.length - 1];
    const span = b.t - a.t;
    if (span < this.minSpanMs || b.bytes <= a.bytes) return undefined;
    return ((b.bytes - a.bytes) * 1000) / span;
  }

  /** Seconds left for `remainingBytes`, or undefined when the rate is not known yet. */
  etaSeconds(remainingBytes: number): number | undefined {
    if (remainingBytes <= 0) return 0;
    const rate = this.bytesPerSecond();
    return rate ? Math.ceil(remainingBytes / rate) : undefined;
  }
}
