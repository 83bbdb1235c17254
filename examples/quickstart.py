"""The README quickstart: build a customer base from the sample world and look at one account."""

import customer_understanding as cu
from customer_understanding.datasets import generate_world

world = generate_world(accounts=50, interactions=10_000, seed=1)
base = cu.CustomerBase.build(world.as_sources(), policy="lenient")
assert base.report is not None
print(base.report.to_pandas())
account_id = base.accounts.column("id")[0]
print(base.account(account_id))
print(base.timeline(account_id).tail())
print(cu.views.account_view(base, account_id))
