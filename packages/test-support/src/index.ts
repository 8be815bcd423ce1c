export { environmentDocument, type GeneratedDocument } from './environment-document.ts';
