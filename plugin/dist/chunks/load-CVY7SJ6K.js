import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);
import{a,b}from"./chunk-4VO47MDS.js";import"./chunk-KYAQGU6S.js";import"./chunk-DHRH7V4F.js";import"./chunk-IC3UF6II.js";import"./chunk-UUFEWDM5.js";import"./chunk-ZZE6UXSE.js";import"./chunk-TWECMDIF.js";export{b as loadConfig,a as parseConfigText};
