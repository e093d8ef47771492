"""Money services: onboarding, funding, deliveries and approval, payouts, refunds, disputes."""
