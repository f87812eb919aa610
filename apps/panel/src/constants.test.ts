import { CATEGORIES, KNOWN_EVENT_TYPES, SEVERITIES } from "@usertrail/core";
import { describe, expect, it } from "vitest";
import * as panel from "./constants.ts";

describe("panel constants", () => {
  it("match the core's lists", () => {
    expect(panel.KNOWN_EVENT_TYPES).toEqual(KNOWN_EVENT_TYPES);
    expect(panel.SEVERITIES).toEqual(SEVERITIES);
    expect(panel.CATEGORIES).toEqual(CATEGORIES);
  });
});
