// What runs out of the screen, as page.evaluate expressions for the layout and reflow tests:
// what sticks out of <main> on the right (a table in its own sideways scroll aside) and the
// tables that need that scroll, whether <main> itself scrolls sideways, and whether the page
// around <main> scrolls at all (only <main> and the rail should).
// NOTE: expression strings because the e2e files are type-checked without DOM types.

/** What runs out of <main> on the right (a table in its own sideways scroll aside), and the tables that need that scroll. */
export const spill = `(() => {
    const main = document.querySelector('main').getBoundingClientRect();
    const name = (e) => e.tagName.toLowerCase() + (e.dataset.testid ? '[' + e.dataset.testid + ']' : '');
    const out = [...document.querySelectorAll('main *')]
      .filter((e) => !e.closest('.table-scroll') && e.getBoundingClientRect().width > 0)
      .filter((e) => e.getBoundingClientRect().right > main.right + 0.5)
      .map(name);
    const scrolls = [...document.querySelectorAll('main .table-scroll')]
      .filter((e) => e.scrollWidth > e.clientWidth + 0.5)
      .map((e) => name(e.querySelector('table') ?? e) + ' scrolls sideways');
    return [...out, ...scrolls];
  })()`;

/** Whether <main> itself scrolls sideways. */
export const mainScrollsSideways = `(() => {
  const main = document.querySelector('main');
  return main.scrollWidth > main.clientWidth + 0.5;
})()`;

/** How the page itself scrolls ('' when it does not): <main> and the rail scroll inside it, one scroll bar each. */
export const pageScrolls = `(() => {
  const page = document.scrollingElement;
  const out = [];
  if (page.scrollHeight > page.clientHeight + 0.5) out.push('down: ' + page.scrollHeight + ' > ' + page.clientHeight);
  if (page.scrollWidth > page.clientWidth + 0.5) out.push('sideways: ' + page.scrollWidth + ' > ' + page.clientWidth);
  return out.join(', ');
})()`;
