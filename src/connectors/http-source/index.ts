export { httpSourcePlugin } from "./http-source.js";
