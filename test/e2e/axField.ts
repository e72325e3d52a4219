// What a screen reader hears of one form control, from Chromium's accessibility tree (CDP): its
// role, its name, its description and whether it is marked invalid. For checking that a box is
// named by its label only and described by what is wrong with it.

import type { Page } from 'playwright-core';

export interface AxField {
  readonly role: string;
  readonly name: string;
  readonly description: string;
  /** 'true' or 'false'; '' where the tree does not say. */
  readonly invalid: string;
}

/** The accessible role, name, description and invalid state of the first element `selector` finds. */
export async function axField(page: Page, selector: string): Promise<AxField> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    if (nodeId === 0) throw new Error(`No element matches ${selector}`);
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
    const [node] = nodes;
    const invalid = node?.properties?.find((property) => property.name === 'invalid')?.value.value;
    return {
      role: String(node?.role?.value ?? ''),
      name: String(node?.name?.value ?? ''),
      description: String(node?.description?.value ?? ''),
      invalid: invalid === undefined ? '' : String(invalid),
    };
  } finally {
    await cdp.detach();
  }
}
