import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-BRLLQNQG.js";import"./chunk-4IO27XDB.js";import"./chunk-QYTKCBF4.js";import"./chunk-GCXR4DZS.js";import"./chunk-ZZE6UXSE.js";import"./chunk-TWECMDIF.js";export{a as headline,c as renderReportMarkdown,b as summaryLines};
