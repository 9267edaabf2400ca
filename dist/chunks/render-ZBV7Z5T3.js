import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-SRKN2JH7.js";import"./chunk-4IO27XDB.js";import"./chunk-YI4RFMAN.js";import"./chunk-GCXR4DZS.js";import"./chunk-ZZE6UXSE.js";import"./chunk-TWECMDIF.js";export{c as budgetLines,a as headline,d as renderReportMarkdown,b as summaryLines};
