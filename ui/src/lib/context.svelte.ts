/**
 * The header's working context (the seed's "make sure no customer is selected"):
 * "My company", or the customer selected last. Customer screens set it;
 * "My company" clears it.
 */
class WorkingContext {
  customer: { id: string; name: string } | null = $state(null);

  select(id: string, name: string): void {
    this.customer = { id, name };
  }

  clear(): void {
    this.customer = null;
  }
}

export const context = new WorkingContext();
