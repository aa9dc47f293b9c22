/** Where the Docker API is: `DOCKER_HOST` (unix:// or tcp://) or the usual socket. */
export type DockerEndpoint = { socketPath: string } | { host: string; port: number; protocol: 'http' };

export function dockerEndpoint(hostOrSocket = process.env.DOCKER_HOST): DockerEndpoint {
  if (!hostOrSocket) return { socketPath: '/var/run/docker.sock' };
  if (hostOrSocket.startsWith('unix://')) return { socketPath: hostOrSocket.slice('unix://'.length) };
  if (hostOrSocket.startsWith('/')) return { socketPath: hostOrSocket };
  const url = new URL(hostOrSocket.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: Number(url.port || 2375), protocol: 'http' };
}

export const describeEndpoint = (e: DockerEndpoint): string => ('socketPath' in e ? `unix://${e.socketPath}` : `tcp://${e.host}:${e.port}`);
