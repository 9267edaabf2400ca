import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-ZZE6UXSE.js";import"./chunk-TWECMDIF.js";export{c as formatDuration,b as parseDuration,a as parseTimeLimit,d as shortDuration};
