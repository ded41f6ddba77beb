"""
Questionnaires: scores, bands, change and FHIR R4
=================================================

The demo session's answers are published worked examples: the Central Sensitization Inventory (the awell-score
test response, total 49) and the Oswestry Disability Index (the official example with one section unanswered,
16 of 45 = 35.6 %). Scores follow each instrument's published rules, a missing answer is never read as 0, and the
same answers arrive as a FHIR R4 QuestionnaireResponse and leave as an Observation.
"""

import json

from kinemyo import datasets, plot
from kinemyo import questionnaire as q

answers = datasets.load_demo_questionnaires()
results = {instrument: q.score(instrument, items) for instrument, items in answers.items()}
for instrument, result in results.items():
    for name, value in result.scores.items():
        print(f"{instrument} {name}: {value.value:.2f} ({value.band}), {value.n_answered}/{value.n_items} answered"
              + (", prorated" if value.prorated else ""))
bands_figure = plot.questionnaire_bands(results)

# %%
# Change against a minimal important change
# -----------------------------------------
# Six weeks later the same patient answers the ODI again; a change counts only beyond the MIC (10 points).
follow_up = q.score("odi", [1, 1, 1, 2, 1, 1, 1, None, 1, 1])
change = q.change("odi", results["odi"], follow_up, mic=10)
print(f"ODI {results['odi'].scores['total'].value:.1f} -> {follow_up.scores['total'].value:.1f}: {change.status}")

# %%
# FHIR R4: QuestionnaireResponse in, Observation out
# --------------------------------------------------
# The ODI answers as an electronic form would send them (LOINC 97908-8; the unanswered section has no answer).
response = {
    "resourceType": "QuestionnaireResponse",
    "status": "completed",
    "questionnaire": "http://loinc.org/q/97908-8",
    "item": [{"linkId": str(i + 1), **({} if a is None else {"answer": [{"valueInteger": a}]})}
             for i, a in enumerate(answers["odi"])],
}
fhir = q.score_questionnaire_response(response)
print(f"from FHIR: {fhir.result.instrument} total {fhir.result.scores['total'].value:.2f} "
      f"(same as above: {fhir.result.scores['total'].value == results['odi'].scores['total'].value})")
print(json.dumps(fhir.observation, indent=1))
