import { ImageUnavailableError } from './runtime.js';

/** When container engines pull images: before each worker start, only when missing, or never. */
export type PullPolicy = 'always' | 'if-missing' | 'never';

/**
 * Makes an image available under a pull policy: a present image is used (pulled again first with
 * `always`; a failed pull then keeps the present one); a missing one is pulled unless the policy is
 * `never`. An image neither present nor pulled fails with a message naming it and the engine.
 */
export async function ensureImageWithPolicy(image: string, policy: PullPolicy, engine: string, present: () => Promise<boolean>, pull: () => Promise<void>): Promise<void> {
  const there = await present();
  if (there && policy !== 'always') return;
  const refusal = (reason: string) => new ImageUnavailableError(`Image ${image} is not present and cannot be pulled (engine: ${engine}): ${reason}`);
  if (policy === 'never') {
    if (!there) throw refusal('the pull policy is never');
    return;
  }
  try {
    await pull();
  } catch (e) {
    if (!there) throw refusal((e as Error).message);
  }
}
