import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);
import{f as n}from"./chunk-TWECMDIF.js";n();function o(r,e){return r.verify.length>0?r.verify:e}export{o as a};
