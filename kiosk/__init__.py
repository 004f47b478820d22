"""The citizen's side: services, ticket issuing, the phone status page and the survey."""
