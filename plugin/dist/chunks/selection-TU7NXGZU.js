import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-RK37XV57.js";import"./chunk-M2SC4IM7.js";import"./chunk-GCXR4DZS.js";import"./chunk-DHRH7V4F.js";import"./chunk-IC3UF6II.js";import"./chunk-TWECMDIF.js";export{c as applySelection,b as resolveOptionIds,a as splitIds};
