import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-4LTT3N6T.js";import"./chunk-ITKERLCG.js";import"./chunk-DHRH7V4F.js";import"./chunk-IC3UF6II.js";import"./chunk-GCXR4DZS.js";import"./chunk-TWECMDIF.js";export{c as applySelection,b as resolveOptionIds,a as splitIds};
