import type { RunEstimate } from "./estimateRun.js";

/** The estimate as lines a person reads: one per priced item, the totals, then the assumptions. */
export function formatEstimate(estimate: RunEstimate): string {
  const { tally } = estimate;
  const lines = [
    `Estimated cost of copying ${tally.objects} objects (${(tally.bytes / 1024 ** 3).toFixed(2)} GiB: ${tally.smallObjects} small, ${tally.multipartObjects} multipart with ${tally.parts} parts${tally.fannedOutObjects > 0 ? `, ${tally.fannedOutObjects} fanned out in ${tally.ranges} ranges` : ""}):`,
  ];
  for (const line of estimate.lines)
    lines.push(
      `  ${line.item} [${line.region}]: ${round(line.quantity)} x ${line.unitPrice} ${line.currency} per ${line.unit} = ${money(line.cost)} ${line.currency}`,
    );
  lines.push(
    `  total: ${
      Object.entries(estimate.totals)
        .map(([currency, total]) => `${money(total)} ${currency}`)
        .join(" + ") || "0"
    }`,
  );
  lines.push("  assuming:");
  for (const assumption of estimate.assumptions) lines.push(`    - ${assumption}`);
  return lines.join("\n");
}

function money(amount: number): string {
  return amount >= 100 ? amount.toFixed(0) : amount.toFixed(amount >= 1 ? 2 : 4);
}

function round(quantity: number): string {
  return Number.isInteger(quantity) ? String(quantity) : quantity.toFixed(2);
}
