import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);
import{f as r}from"./chunk-TWECMDIF.js";r();function g(n,t=""){let c=Math.max(2,...Array.from(n.matchAll(/`+/g),l=>l[0].length)),e="`".repeat(c+1);return`${e}${t}
${n}
${e}`}function o(n){return n.replace(/\r?\n/g," ").replace(/\|/g,"\\|")}export{g as a,o as b};
