// Words for the core's prorated amounts (decision 0041): the core computes
// every amount; this only writes it out.
import type { Amounts } from "../../lib/bindings/Amounts";
import { formatMoney } from "../../lib/format";
import { translate, type Locale } from "../../lib/i18n/translate";

/** "1 234,56 zł", and which licences have no known price; "" when nothing is owed or known. */
export function amountsText(locale: Locale, amounts: Amounts): string {
  const money = amounts.totals.map((m) => formatMoney(locale, m)).join(" + ");
  if (amounts.unpriced_quantity === 0) return money;
  const none = translate(locale, "windows.unpriced", { count: amounts.unpriced_quantity });
  return money ? `${money}; ${none}` : none;
}
