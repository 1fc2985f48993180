/** Runs the agent-cycle benchmark in its own process, so its peak memory is the agent's alone. */
import { benchAgentCycle } from "./agent-cycle.ts";

const figures = await benchAgentCycle(Number(process.argv[2] ?? "50"));
console.log(JSON.stringify(figures));
