// Preact with htm: React-style components written as tagged templates, no compiler.
import { h, render } from "preact";
import htm from "htm";

export const html = htm.bind(h);
export { render };
