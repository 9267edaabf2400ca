import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);
import{f as t}from"./chunk-TWECMDIF.js";t();import{readFileSync as n}from"node:fs";function f(r){return i(r)?.toString("utf8")}function i(r){try{return n(r)}catch(e){if(e.code==="ENOENT")return;throw e}}export{f as a,i as b};
