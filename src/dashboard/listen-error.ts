/** Why a dashboard could not listen, in words, for errors the operator can fix by a flag; else undefined. */
export function listenProblem(err: unknown, host: string, port: number): string | undefined {
  const code = (err as NodeJS.ErrnoException)?.code;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (code) {
    case 'EADDRINUSE': return `cannot listen on ${where}: the port is in use (choose another, or 0 for any free port)`;
    case 'EACCES': return `cannot listen on ${where}: permission denied (ports below 1024 need privileges)`;
    case 'EADDRNOTAVAIL': return `cannot listen on ${where}: this machine has no such address`;
    case 'ENOTFOUND': case 'EAI_AGAIN': return `cannot listen on ${where}: the host name does not resolve`;
    default: return undefined;
  }
}
