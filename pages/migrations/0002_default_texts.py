"""Default texts of the legal and information pages (admins edit them later)."""

import datetime

from django.db import migrations

IMPRESSUM = """## Herausgeber

Regierungspräsidium Darmstadt
Dezernat II 25
Wilhelminenstraße 1–3
64283 Darmstadt

Telefon: 06151 12-0
E-Mail: [poststelle@rpda.hessen.de](mailto:poststelle@rpda.hessen.de)

Das Regierungspräsidium Darmstadt betreibt das WIR-Portal im Auftrag des Hessischen
Ministeriums für Soziales und Integration (HMSI), Sonnenberger Straße 2/2a, 65193 Wiesbaden.

## Vertretung

Das Regierungspräsidium Darmstadt wird durch die Regierungspräsidentin oder den
Regierungspräsidenten vertreten.

## Umsatzsteuer-Identifikationsnummer

Als Behörde des Landes Hessen benötigt das Regierungspräsidium keine eigene
Umsatzsteuer-Identifikationsnummer für dieses Angebot.

## Verantwortlich für den Inhalt

Regierungspräsidium Darmstadt, Dezernat II 25 (Landesprogramm WIR), Anschrift wie oben.

## Haftung für Links

Für die Inhalte verlinkter Seiten anderer Anbieter sind deren Betreiber verantwortlich.
"""

DATENSCHUTZ = """## Verantwortlicher

Verantwortlich für die Verarbeitung personenbezogener Daten im WIR-Portal ist das
Regierungspräsidium Darmstadt, Wilhelminenstraße 1–3, 64283 Darmstadt,
E-Mail: [poststelle@rpda.hessen.de](mailto:poststelle@rpda.hessen.de). Das Portal dient dem
Landesprogramm WIR des Hessischen Ministeriums für Soziales und Integration (HMSI).

Die Kontaktdaten der oder des Datenschutzbeauftragten finden Sie am Ende dieser Seite.

## Zwecke und Rechtsgrundlagen

- **Benutzerkonto** (Name, dienstliche E-Mail-Adresse, Kommune, Anmeldedaten, zweiter Faktor):
  Zugang zum Portal und Schutz vor Missbrauch. Rechtsgrundlage: Art. 6 Abs. 1 Buchst. e DSGVO
  in Verbindung mit § 3 Hessisches Datenschutz- und Informationsfreiheitsgesetz (HDSIG).
- **Anträge, Anlagen, Bewertungen, Bescheide**: Prüfung und Entscheidung über Zuwendungen nach
  § 44 Landeshaushaltsordnung (LHO). Rechtsgrundlage: Art. 6 Abs. 1 Buchst. c und e DSGVO in
  Verbindung mit § 44 LHO und § 3 HDSIG.
- **Protokolle und Sicherheitsdaten** (Anmeldeversuche, Zeitpunkte, IP-Adressen in Server-Logs):
  Sicherheit und Nachvollziehbarkeit des Verfahrens. Rechtsgrundlage: Art. 6 Abs. 1 Buchst. e
  DSGVO in Verbindung mit § 3 HDSIG.
- **E-Mails des Portals** (Eingangsbestätigungen, Hinweise): Information über den Stand des
  Verfahrens. Rechtsgrundlage: Art. 6 Abs. 1 Buchst. e DSGVO.
- **Rückmeldungen zur Barrierefreiheit** (Name, E-Mail-Adresse, Nachricht): Bearbeitung Ihres
  Hinweises. Rechtsgrundlage: Art. 6 Abs. 1 Buchst. c DSGVO in Verbindung mit dem Hessischen
  Behinderten-Gleichstellungsgesetz (HessBGG).

Das Portal setzt nur technisch notwendige Cookies (Sitzung, Schutz vor gefälschten Anfragen)
und keine Analyse- oder Werbedienste ein.

## Empfänger

- das Hessische Ministerium für Soziales und Integration (Auswertungen und Entscheidungen im
  Landesprogramm),
- die Jury des Landesprogramms für die Bewertung der Anträge,
- die Partnerkommunen eines gemeinsamen Antrags,
- der Hessische Rechnungshof und die zuständigen Prüfstellen im Rahmen ihrer Prüfrechte,
- der technische Betrieb im Auftrag des Landes (Auftragsverarbeitung nach Art. 28 DSGVO).

Eine Übermittlung in Staaten außerhalb der Europäischen Union findet nicht statt.

## Speicherdauer

- Anträge, Anlagen, Bewertungen und Bescheide: zehn Jahre nach Abschluss des
  Verfahrens über den Verwendungsnachweis, danach Anbietung an das Hessische Landesarchiv und Löschung.
- Abgelehnte oder zurückgezogene Anträge: fünf Jahre nach Ende des Jahres der Entscheidung.
- Benutzerkonten: bis zur Löschung des Kontos; Konten ohne Anmeldung für zwei Jahre werden
  nach Ankündigung gelöscht.
- Sicherheitsprotokolle und Server-Logs: 90 Tage.
- Rückmeldungen zur Barrierefreiheit: drei Jahre nach Abschluss der Bearbeitung.

## Ihre Rechte

Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16 DSGVO), Löschung
(Art. 17 DSGVO), Einschränkung der Verarbeitung (Art. 18 DSGVO) und Widerspruch (Art. 21
DSGVO), soweit die gesetzlichen Aufbewahrungspflichten dem nicht entgegenstehen. Ihre im Konto
gespeicherten Daten können Sie unter „Meine Daten“ einsehen.

## Beschwerde bei der Aufsichtsbehörde

Sie können sich bei der Aufsichtsbehörde beschweren: Der Hessische Beauftragte für Datenschutz
und Informationsfreiheit, Postfach 31 63, 65021 Wiesbaden, Telefon 0611 1408-0,
[https://datenschutz.hessen.de](https://datenschutz.hessen.de).
"""

BARRIEREFREIHEIT = """Das Regierungspräsidium Darmstadt ist bemüht, das WIR-Portal im Einklang mit dem
Hessischen Behinderten-Gleichstellungsgesetz (HessBGG) und der Hessischen Verordnung über
barrierefreie Informationstechnik (HVBIT) barrierefrei zugänglich zu machen. Maßstab sind die
harmonisierte Norm EN 301 549 und die Web Content Accessibility Guidelines (WCAG) 2.1,
Stufe AA.

## Stand der Vereinbarkeit mit den Anforderungen

Die Anforderungen ergeben sich aus §§ 3 Absätze 1 bis 4 und 4 HVBIT, die auf der Grundlage von
§ 14 HessBGG erlassen wurde. Das Portal ist mit diesen Anforderungen **teilweise vereinbar**.
Die Seiten werden bei jeder Änderung automatisiert mit axe-core geprüft, die Hauptwege aller
Rollen mit der Tastatur. Die Struktur der PDF-Dokumente wird automatisiert geprüft; eine
Prüfung mit einem PDF/UA-Validator steht noch aus. Bescheide, Eingangsbestätigungen
und das Deckblatt der Antragsbündel werden als getaggte PDF-Dokumente (PDF/A-3a, PDF/UA-1)
erzeugt.

## Nicht barrierefreie Inhalte

- **Antragsbündel als PDF**: Nur Deckblatt, Inhaltsverzeichnis und Rangliste sind getaggt. Die
  Seiten der einzelnen Anträge und die hochgeladenen Anlagen sind im Bündel nicht getaggt.
  Barrierefreie Fassung: die Eingangsbestätigung jedes Antrags.
- **Hochgeladene Anlagen**: Dokumente, die Kommunen hochladen, prüft das Portal nicht auf
  Barrierefreiheit.
- **Listen in PDF-Dokumenten**: Begriffe und Antworten (Frage und Antwort) sind als
  Listenpunkte getaggt, nicht als Paar aus Begriff und Beschreibung.
- **Farbige Emoji in PDF-Dokumenten** werden als Bild gezeichnet; Screenreader lesen den Text
  dahinter vor, die Vergrößerung ist aber pixelig.
- **Tabellen in PDF-Dokumenten**: In der Übersicht der Finanzierung (Eigenmittel, Drittmittel,
  Fehlbedarf) sind die Zeilenbeschriftungen nicht als Kopfzellen ausgezeichnet.
- **Video in Gebärdensprache**: Untertitel gibt es nur, wenn eine Untertiteldatei hinterlegt
  ist; das Transkript steht immer unter dem Video.
- **Leichte Sprache**: Der Text wurde nicht von einer Prüfgruppe aus Menschen mit
  Lernschwierigkeiten geprüft.
- **Verwaltungsbereich (Django-Admin)**: Er wurde automatisiert mit axe-core und bei 320 Pixel
  Breite geprüft, nicht mit einem Screenreader. Der Kalender zum Auswählen eines Datums ist für
  die Maus gebaut; ein Datum lässt sich aber immer mit der Tastatur eintippen.
- **Datumsfelder**: Innerhalb eines Datumsfelds (Tag, Monat, Jahr) zeigt der Browser seine
  eigene Markierung statt des Fokusrahmens des Portals.
- **Screenreader**: Die Ansagen bei Änderungen ohne Neuladen der Seite (Fortschritt,
  Zähler) sind nicht mit NVDA, JAWS oder VoiceOver erprobt.
- **Breite Tabellen**: Ohne JavaScript lassen sie sich waagerecht verschieben, sind aber kein
  eigener, benannter Bereich für die Tastatur.
- **Postfach**: Wenn beim Senden einer Nachricht ein Fehler auftritt und JavaScript
  eingeschaltet ist, springt der Fokus nicht zur Fehlerübersicht.
- **Druck**: Die Druckansicht ist nur für die Prüfseite des Regierungspräsidiums automatisiert
  geprüft; sehr lange Wörter können auf schmalen Bildschirmen an ungewohnter Stelle umbrechen.

## Erstellung dieser Erklärung

Diese Erklärung beruht auf einer Selbstbewertung. Sie wird bei jeder Änderung der bekannten
Einschränkungen angepasst.

## Feedback und Kontakt

Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen? Nutzen Sie das Formular unten oder
schreiben Sie uns eine E-Mail. Wir antworten in der Regel innerhalb von sechs Wochen.

## Durchsetzungsverfahren

Wenn Sie auf Ihre Rückmeldung innerhalb von sechs Wochen keine zufriedenstellende Antwort
erhalten haben, können Sie nach § 6 HVBIT ein Durchsetzungsverfahren beantragen. Zuständig ist
die Durchsetzungs- und Überwachungsstelle für barrierefreie Informationstechnik des Landes
Hessen bei der Beauftragten der Hessischen Landesregierung für barrierefreie IT
(Landeskompetenzzentrum Barrierefreie IT, Regierungspräsidium Gießen). Sie holt eine
Stellungnahme des Regierungspräsidiums Darmstadt ein und regt Maßnahmen an, um die Barriere zu
beseitigen. Das Verfahren ist für Sie kostenlos; Sie brauchen keinen Rechtsbeistand.
Informationen und das Antragsformular: [https://lbit.hessen.de](https://lbit.hessen.de).
"""

LEICHTE_SPRACHE = """## Was ist das WIR-Portal?

Das WIR-Portal ist eine Internet-Seite.
Das Land Hessen hat ein Programm.
Das Programm heißt **WIR**.

WIR bedeutet:
Menschen aus vielen Ländern leben in Hessen.
Alle sollen gut zusammen leben.

## Wer nutzt das Portal?

Städte und Gemeinden in Hessen.
Sie können hier Geld für Projekte beantragen.
Zum Beispiel für:

- Beratung für Menschen, die neu in Hessen sind.
- Treffen von Menschen aus vielen Ländern.
- Hilfe beim Deutsch-Lernen.

## Was passiert mit dem Antrag?

Das Regierungs-Präsidium Darmstadt liest den Antrag.
Das ist ein Amt.
Das Amt prüft den Antrag.
Dann entscheidet das Amt:
Bekommt die Stadt Geld? Oder nicht?
Die Stadt bekommt einen Brief.
Der Brief heißt: **Bescheid**.

## Sie haben Fragen?

Schreiben Sie uns eine E-Mail:
[poststelle@rpda.hessen.de](mailto:poststelle@rpda.hessen.de)
"""

GEBAERDENSPRACHE = """Auf dieser Seite erklären wir das WIR-Portal in Deutscher Gebärdensprache.
Unter dem Video steht der Text des Videos zum Lesen.
"""



def hard_breaks(text: str) -> str:
    """Keeps the line breaks of plain text lines (Markdown's hard break: a backslash at the
    end of a line followed by another text line)."""
    lines = text.split("\n")
    out = []
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        plain = line and not line.startswith(("#", "- ")) and following.strip()
        plain = plain and not following.startswith(("#", "- "))
        out.append(line + "\\" if plain else line)
    return "\n".join(out)


PAGES = [
    ("impressum", "Impressum", hard_breaks(IMPRESSUM)),
    ("datenschutz", "Datenschutzerklärung", DATENSCHUTZ),
    ("barrierefreiheit", "Erklärung zur Barrierefreiheit", BARRIEREFREIHEIT),
    ("leichte-sprache", "Informationen in Leichter Sprache", hard_breaks(LEICHTE_SPRACHE)),
    ("gebaerdensprache", "Informationen in Deutscher Gebärdensprache", GEBAERDENSPRACHE),
]


# The last check of the statement: the self-assessment that wrote it (issue 16).
CHECKED_ON = datetime.date(2026, 11, 30)


def create(apps, schema_editor):
    LegalPage = apps.get_model("pages", "LegalPage")
    for slug, title, body in PAGES:
        checked = CHECKED_ON if slug == "barrierefreiheit" else None
        LegalPage.objects.get_or_create(
            slug=slug, defaults={"title": title, "body": body, "checked_on": checked}
        )


def remove(apps, schema_editor):
    apps.get_model("pages", "LegalPage").objects.filter(slug__in=[p[0] for p in PAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_legal_pages")]
    operations = [migrations.RunPython(create, remove)]
