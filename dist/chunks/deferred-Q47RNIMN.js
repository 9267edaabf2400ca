import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);
import{a,b}from"./chunk-A34QIWG2.js";import"./chunk-6F6NAEP6.js";import"./chunk-TWECMDIF.js";export{a as parseDeferredQuestion,b as readDeferredQuestions};
