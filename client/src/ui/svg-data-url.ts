/**
 * An SVG document as a `data:` URL for an `<img>`: the browser renders it as an image, so any
 * script or link inside it is inert (never inject server SVG into the page's DOM).
 */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

/** `JBSWY3DPEHPK3PXP` → `JBSW Y3DP EHPK 3PXP`, easier to type into an app by hand. */
export function groupSecret(secret: string, size = 4): string {
  return secret.replace(/\s+/g, '').replace(new RegExp(`(.{${size}})(?=.)`, 'g'), '$1 ');
}
