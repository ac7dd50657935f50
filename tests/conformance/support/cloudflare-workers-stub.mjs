// Stand-in for the Workers runtime module `cloudflare:workers`, which the
// published SDK imports at load time. Only the names it imports are needed;
// the client code under test (SandboxClient) never calls into them over HTTP.
export class RpcTarget {}
export class DurableObject {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
  }
}
export class WorkerEntrypoint {}
export const tracing = { enterSpan: (_name, fn, ...args) => fn({ setAttribute() {} }, ...args) };
export const env = {};
