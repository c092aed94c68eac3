import client from "prom-client";

// In the primary of several processes (decision 071): a worker asked for /metrics, and the primary
// gathers every worker's default registry (prom-client's AggregatorRegistry: counters and histograms
// summed, gauges kept per worker). Its own module: the primary loads no database or app module.

let aggregator: client.AggregatorRegistry<client.PrometheusContentType> | undefined;

export async function clusterMetrics(): Promise<string> {
  aggregator ??= new client.AggregatorRegistry();
  return aggregator.clusterMetrics();
}
