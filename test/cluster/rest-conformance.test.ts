import { restConformance } from "../integration/rest/conformance.case.js";

restConformance("distributed");
