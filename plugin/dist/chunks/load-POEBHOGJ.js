import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);
import{a,b}from"./chunk-T46D6Z63.js";import"./chunk-P6S27BA4.js";import"./chunk-DHRH7V4F.js";import"./chunk-IC3UF6II.js";import"./chunk-UUFEWDM5.js";import"./chunk-ZZE6UXSE.js";import"./chunk-TWECMDIF.js";export{b as loadConfig,a as parseConfigText};
