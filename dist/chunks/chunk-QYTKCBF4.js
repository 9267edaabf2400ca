import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);
import{f as t}from"./chunk-TWECMDIF.js";t();function e(r){return r===0?"$0.00":r<.01?`$${r.toFixed(4)}`:`$${r.toFixed(2)}`}export{e as a};
