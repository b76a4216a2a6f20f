export { serve, type ServeOptions, type ControlServer } from './serve.ts';
export type { ControlPort } from './port.ts';
