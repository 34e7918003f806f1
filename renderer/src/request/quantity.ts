/** Volume sizes as requests give them: a whole number of Mi, Gi or Ti. */
export const QUANTITY = /^[1-9][0-9]{0,8}(Mi|Gi|Ti)$/;

/** The largest volume a request may ask for: beyond what a cloud disk or a PersistentVolume offers. */
export const MAX_VOLUME = '64Ti';

export function quantityToMi(quantity: string): number {
  const match = /^(\d+)(Mi|Gi|Ti)$/.exec(quantity);
  if (!match) throw new Error(`not a Mi/Gi/Ti quantity: ${quantity}`);
  const factor = { Mi: 1, Gi: 1024, Ti: 1024 * 1024 }[match[2] as 'Mi' | 'Gi' | 'Ti'];
  return Number(match[1]) * factor;
}
