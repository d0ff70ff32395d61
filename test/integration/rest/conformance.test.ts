import { restConformance } from "./conformance.case.js";

restConformance("standalone");
