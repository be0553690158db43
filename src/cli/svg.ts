/** Graphviz to SVG, with Graphviz compiled to WebAssembly (@viz-js/viz), loaded only when drawing. */

/**
 * Renders Graphviz source to SVG.
 *
 * @example writeFileSync('g.svg', await renderSvg(toDot(outputs)))
 */
export async function renderSvg(dot: string): Promise<string> {
  const { instance } = await import('@viz-js/viz');
  return (await instance()).renderString(dot, { format: 'svg' });
}
