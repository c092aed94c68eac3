import { describe, expect, it } from "vitest";
import cluster from "node:cluster";
import { DEFAULT_PROCESS_CEILING, acceptPolicy, webConcurrency } from "../../server-cluster";

// How many processes `npm start` serves with (decisions 071, 087).

describe("webConcurrency", () => {
  it("is one process per core by default, up to the ceiling", () => {
    expect(webConcurrency(undefined, 1)).toBe(1);
    expect(webConcurrency(undefined, 2)).toBe(2);
    expect(webConcurrency("", 2)).toBe(2);
    expect(webConcurrency(undefined, 64)).toBe(DEFAULT_PROCESS_CEILING);
  });

  it("is what WEB_CONCURRENCY says, whatever the cores", () => {
    expect(webConcurrency("1", 8)).toBe(1);
    expect(webConcurrency("6", 2)).toBe(6);
  });

  it("refuses what is not a whole number from 1 to 64, rather than guess", () => {
    for (const bad of ["0", "-1", "1.5", "two", "65", " "]) expect(() => webConcurrency(bad, 2), bad).toThrow(/WEB_CONCURRENCY must be a whole number/);
  });
});

describe("acceptPolicy", () => {
  it("has the primary hand connections out round robin, unless Node's setting asks each worker to accept its own", () => {
    expect(acceptPolicy(undefined)).toBe(cluster.SCHED_RR);
    expect(acceptPolicy("")).toBe(cluster.SCHED_RR);
    expect(acceptPolicy("rr")).toBe(cluster.SCHED_RR);
    expect(acceptPolicy("none")).toBe(cluster.SCHED_NONE);
  });

  it("refuses a value Node would silently ignore", () => {
    for (const bad of ["RR", "round-robin", "1"]) expect(() => acceptPolicy(bad), bad).toThrow(/NODE_CLUSTER_SCHED_POLICY must be none or rr/);
  });
});
