import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);
import{e as a,f as b,g as c,h as d}from"./chunk-6SCJ5SLH.js";import"./chunk-TC3VXDZ2.js";import"./chunk-ZZE6UXSE.js";import"./chunk-GCXR4DZS.js";import"./chunk-TWECMDIF.js";export{c as budgetLines,a as headline,d as renderReportMarkdown,b as summaryLines};
