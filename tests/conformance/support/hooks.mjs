// Module resolve hooks for running the Workers-targeted SDK on Node:
// `cloudflare:workers` maps to a local stand-in, and the extensionless
// relative imports of @cloudflare/containers (written for bundlers) get '.js'.
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'cloudflare:workers') {
    return { url: new URL('./cloudflare-workers-stub.mjs', import.meta.url).href, shortCircuit: true };
  }
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && specifier.startsWith('.') && !specifier.endsWith('.js')) {
      return nextResolve(`${specifier}.js`, context);
    }
    throw error;
  }
}
