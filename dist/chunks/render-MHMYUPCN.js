import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);
import{c as a,d as b,e as c,f as d}from"./chunk-MHOWW3JH.js";import"./chunk-TC3VXDZ2.js";import"./chunk-GCXR4DZS.js";import"./chunk-ZZE6UXSE.js";import"./chunk-TWECMDIF.js";export{c as budgetLines,a as headline,d as renderReportMarkdown,b as summaryLines};
