"""prepkit: preparedness self-assessments for police agencies and their partners."""
