import { createRequire as __overnightCreateRequire } from 'node:module'; const require = __overnightCreateRequire(import.meta.url);
import{a,b,c,d,e,f}from"./chunk-6RNN4X6A.js";import"./chunk-IC3UF6II.js";import"./chunk-DXP3PTCN.js";import"./chunk-TWECMDIF.js";export{d as acquireLock,f as forceReleaseLock,a as isPidAlive,c as liveLockHolder,b as readLock,e as releaseLock};
