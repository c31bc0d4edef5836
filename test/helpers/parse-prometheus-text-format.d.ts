declare module 'parse-prometheus-text-format' {
  /** Parses the Prometheus text exposition into metric families (name, help, type, samples). */
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
