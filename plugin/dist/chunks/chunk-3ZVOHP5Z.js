import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);
import{f as e}from"./chunk-TWECMDIF.js";e();import{readFileSync as n}from"node:fs";function o(t){try{return n(t,"utf8")}catch(r){if(r.code==="ENOENT")return;throw r}}export{o as a};
