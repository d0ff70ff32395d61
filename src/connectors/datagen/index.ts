export { datagenSourcePlugin } from "./datagen-source.js";
export { TEMPLATES } from "./templates.js";
