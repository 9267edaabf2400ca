import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);
import{a,b,c,d,e,f,g}from"./chunk-GCXR4DZS.js";import"./chunk-TWECMDIF.js";export{c as formatId,b as isIgnoredBacklogFile,e as itemFileName,d as itemRef,a as parseItemFileName,f as slugForTitle,g as suggestFileName};
