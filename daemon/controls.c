/*
 * ISO/IEC 27001 Annex A control catalogues.  Titles are those of the
 * Annex A tables, spelling included: the 2013 edition writes "Clock
 * synchronisation", the 2022 one "Clock synchronization"; the 2022 table
 * spells out abbreviations ISO/IEC 27002:2022 leaves short (A.5.21 "...
 * the information and communication technology (ICT) supply chain",
 * A.5.34 "... personal identifiable information (PII)") and writes "User
 * end point devices" where 27002 has "endpoint".  Each table lists its
 * controls in the standard's order, which is the order controls_at()
 * gives.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "controls.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* ISO/IEC 27001:2022: four themes, numbered as clauses 5 to 8 of
 * ISO/IEC 27002:2022. */
#define ORG	"Organizational"
#define PEOPLE	"People"
#define PHYS	"Physical"
#define TECH	"Technological"
#define C22(id, title, theme)	{ CONTROLS_ISO27001_2022, id, title, theme }

static const struct control iso27001_2022[] = {
	C22("A.5.1", "Policies for information security", ORG),
	C22("A.5.2", "Information security roles and responsibilities", ORG),
	C22("A.5.3", "Segregation of duties", ORG),
	C22("A.5.4", "Management responsibilities", ORG),
	C22("A.5.5", "Contact with authorities", ORG),
	C22("A.5.6", "Contact with special interest groups", ORG),
	C22("A.5.7", "Threat intelligence", ORG),
	C22("A.5.8", "Information security in project management", ORG),
	C22("A.5.9", "Inventory of information and other associated assets",
	    ORG),
	C22("A.5.10", "Acceptable use of information and other associated "
	    "assets", ORG),
	C22("A.5.11", "Return of assets", ORG),
	C22("A.5.12", "Classification of information", ORG),
	C22("A.5.13", "Labelling of information", ORG),
	C22("A.5.14", "Information transfer", ORG),
	C22("A.5.15", "Access control", ORG),
	C22("A.5.16", "Identity management", ORG),
	C22("A.5.17", "Authentication information", ORG),
	C22("A.5.18", "Access rights", ORG),
	C22("A.5.19", "Information security in supplier relationships", ORG),
	C22("A.5.20", "Addressing information security within supplier "
	    "agreements", ORG),
	C22("A.5.21", "Managing information security in the information and "
	    "communication technology (ICT) supply chain", ORG),
	C22("A.5.22", "Monitoring, review and change management of supplier "
	    "services", ORG),
	C22("A.5.23", "Information security for use of cloud services", ORG),
	C22("A.5.24", "Information security incident management planning and "
	    "preparation", ORG),
	C22("A.5.25", "Assessment and decision on information security events",
	    ORG),
	C22("A.5.26", "Response to information security incidents", ORG),
	C22("A.5.27", "Learning from information security incidents", ORG),
	C22("A.5.28", "Collection of evidence", ORG),
	C22("A.5.29", "Information security during disruption", ORG),
	C22("A.5.30", "ICT readiness for business continuity", ORG),
	C22("A.5.31", "Legal, statutory, regulatory and contractual "
	    "requirements", ORG),
	C22("A.5.32", "Intellectual property rights", ORG),
	C22("A.5.33", "Protection of records", ORG),
	C22("A.5.34", "Privacy and protection of personal identifiable "
	    "information (PII)", ORG),
	C22("A.5.35", "Independent review of information security", ORG),
	C22("A.5.36", "Compliance with policies, rules and standards for "
	    "information security", ORG),
	C22("A.5.37", "Documented operating procedures", ORG),

	C22("A.6.1", "Screening", PEOPLE),
	C22("A.6.2", "Terms and conditions of employment", PEOPLE),
	C22("A.6.3", "Information security awareness, education and training",
	    PEOPLE),
	C22("A.6.4", "Disciplinary process", PEOPLE),
	C22("A.6.5", "Responsibilities after termination or change of "
	    "employment", PEOPLE),
	C22("A.6.6", "Confidentiality or non-disclosure agreements", PEOPLE),
	C22("A.6.7", "Remote working", PEOPLE),
	C22("A.6.8", "Information security event reporting", PEOPLE),

	C22("A.7.1", "Physical security perimeters", PHYS),
	C22("A.7.2", "Physical entry", PHYS),
	C22("A.7.3", "Securing offices, rooms and facilities", PHYS),
	C22("A.7.4", "Physical security monitoring", PHYS),
	C22("A.7.5", "Protecting against physical and environmental threats",
	    PHYS),
	C22("A.7.6", "Working in secure areas", PHYS),
	C22("A.7.7", "Clear desk and clear screen", PHYS),
	C22("A.7.8", "Equipment siting and protection", PHYS),
	C22("A.7.9", "Security of assets off-premises", PHYS),
	C22("A.7.10", "Storage media", PHYS),
	C22("A.7.11", "Supporting utilities", PHYS),
	C22("A.7.12", "Cabling security", PHYS),
	C22("A.7.13", "Equipment maintenance", PHYS),
	C22("A.7.14", "Secure disposal or re-use of equipment", PHYS),

	C22("A.8.1", "User end point devices", TECH),
	C22("A.8.2", "Privileged access rights", TECH),
	C22("A.8.3", "Information access restriction", TECH),
	C22("A.8.4", "Access to source code", TECH),
	C22("A.8.5", "Secure authentication", TECH),
	C22("A.8.6", "Capacity management", TECH),
	C22("A.8.7", "Protection against malware", TECH),
	C22("A.8.8", "Management of technical vulnerabilities", TECH),
	C22("A.8.9", "Configuration management", TECH),
	C22("A.8.10", "Information deletion", TECH),
	C22("A.8.11", "Data masking", TECH),
	C22("A.8.12", "Data leakage prevention", TECH),
	C22("A.8.13", "Information backup", TECH),
	C22("A.8.14", "Redundancy of information processing facilities", TECH),
	C22("A.8.15", "Logging", TECH),
	C22("A.8.16", "Monitoring activities", TECH),
	C22("A.8.17", "Clock synchronization", TECH),
	C22("A.8.18", "Use of privileged utility programs", TECH),
	C22("A.8.19", "Installation of software on operational systems", TECH),
	C22("A.8.20", "Networks security", TECH),
	C22("A.8.21", "Security of network services", TECH),
	C22("A.8.22", "Segregation of networks", TECH),
	C22("A.8.23", "Web filtering", TECH),
	C22("A.8.24", "Use of cryptography", TECH),
	C22("A.8.25", "Secure development life cycle", TECH),
	C22("A.8.26", "Application security requirements", TECH),
	C22("A.8.27", "Secure system architecture and engineering principles",
	    TECH),
	C22("A.8.28", "Secure coding", TECH),
	C22("A.8.29", "Security testing in development and acceptance", TECH),
	C22("A.8.30", "Outsourced development", TECH),
	C22("A.8.31", "Separation of development, test and production "
	    "environments", TECH),
	C22("A.8.32", "Change management", TECH),
	C22("A.8.33", "Test information", TECH),
	C22("A.8.34", "Protection of information systems during audit testing",
	    TECH),
};

/* ISO/IEC 27001:2013: fourteen clauses, A.5 to A.18, each of control
 * objectives (A.9.2) holding the controls (A.9.2.3). */
#define CL5	"Information security policies"
#define CL6	"Organization of information security"
#define CL7	"Human resource security"
#define CL8	"Asset management"
#define CL9	"Access control"
#define CL10	"Cryptography"
#define CL11	"Physical and environmental security"
#define CL12	"Operations security"
#define CL13	"Communications security"
#define CL14	"System acquisition, development and maintenance"
#define CL15	"Supplier relationships"
#define CL16	"Information security incident management"
#define CL17	"Information security aspects of business continuity " \
		"management"
#define CL18	"Compliance"
#define C13(id, title, clause)	{ CONTROLS_ISO27001_2013, id, title, clause }

static const struct control iso27001_2013[] = {
	C13("A.5.1.1", "Policies for information security", CL5),
	C13("A.5.1.2", "Review of the policies for information security", CL5),

	C13("A.6.1.1", "Information security roles and responsibilities", CL6),
	C13("A.6.1.2", "Segregation of duties", CL6),
	C13("A.6.1.3", "Contact with authorities", CL6),
	C13("A.6.1.4", "Contact with special interest groups", CL6),
	C13("A.6.1.5", "Information security in project management", CL6),
	C13("A.6.2.1", "Mobile device policy", CL6),
	C13("A.6.2.2", "Teleworking", CL6),

	C13("A.7.1.1", "Screening", CL7),
	C13("A.7.1.2", "Terms and conditions of employment", CL7),
	C13("A.7.2.1", "Management responsibilities", CL7),
	C13("A.7.2.2", "Information security awareness, education and "
	    "training", CL7),
	C13("A.7.2.3", "Disciplinary process", CL7),
	C13("A.7.3.1", "Termination or change of employment responsibilities",
	    CL7),

	C13("A.8.1.1", "Inventory of assets", CL8),
	C13("A.8.1.2", "Ownership of assets", CL8),
	C13("A.8.1.3", "Acceptable use of assets", CL8),
	C13("A.8.1.4", "Return of assets", CL8),
	C13("A.8.2.1", "Classification of information", CL8),
	C13("A.8.2.2", "Labelling of information", CL8),
	C13("A.8.2.3", "Handling of assets", CL8),
	C13("A.8.3.1", "Management of removable media", CL8),
	C13("A.8.3.2", "Disposal of media", CL8),
	C13("A.8.3.3", "Physical media transfer", CL8),

	C13("A.9.1.1", "Access control policy", CL9),
	C13("A.9.1.2", "Access to networks and network services", CL9),
	C13("A.9.2.1", "User registration and de-registration", CL9),
	C13("A.9.2.2", "User access provisioning", CL9),
	C13("A.9.2.3", "Management of privileged access rights", CL9),
	C13("A.9.2.4", "Management of secret authentication information of "
	    "users", CL9),
	C13("A.9.2.5", "Review of user access rights", CL9),
	C13("A.9.2.6", "Removal or adjustment of access rights", CL9),
	C13("A.9.3.1", "Use of secret authentication information", CL9),
	C13("A.9.4.1", "Information access restriction", CL9),
	C13("A.9.4.2", "Secure log-on procedures", CL9),
	C13("A.9.4.3", "Password management system", CL9),
	C13("A.9.4.4", "Use of privileged utility programs", CL9),
	C13("A.9.4.5", "Access control to program source code", CL9),

	C13("A.10.1.1", "Policy on the use of cryptographic controls", CL10),
	C13("A.10.1.2", "Key management", CL10),

	C13("A.11.1.1", "Physical security perimeter", CL11),
	C13("A.11.1.2", "Physical entry controls", CL11),
	C13("A.11.1.3", "Securing offices, rooms and facilities", CL11),
	C13("A.11.1.4", "Protecting against external and environmental "
	    "threats", CL11),
	C13("A.11.1.5", "Working in secure areas", CL11),
	C13("A.11.1.6", "Delivery and loading areas", CL11),
	C13("A.11.2.1", "Equipment siting and protection", CL11),
	C13("A.11.2.2", "Supporting utilities", CL11),
	C13("A.11.2.3", "Cabling security", CL11),
	C13("A.11.2.4", "Equipment maintenance", CL11),
	C13("A.11.2.5", "Removal of assets", CL11),
	C13("A.11.2.6", "Security of equipment and assets off-premises", CL11),
	C13("A.11.2.7", "Secure disposal or re-use of equipment", CL11),
	C13("A.11.2.8", "Unattended user equipment", CL11),
	C13("A.11.2.9", "Clear desk and clear screen policy", CL11),

	C13("A.12.1.1", "Documented operating procedures", CL12),
	C13("A.12.1.2", "Change management", CL12),
	C13("A.12.1.3", "Capacity management", CL12),
	C13("A.12.1.4", "Separation of development, testing and operational "
	    "environments", CL12),
	C13("A.12.2.1", "Controls against malware", CL12),
	C13("A.12.3.1", "Information backup", CL12),
	C13("A.12.4.1", "Event logging", CL12),
	C13("A.12.4.2", "Protection of log information", CL12),
	C13("A.12.4.3", "Administrator and operator logs", CL12),
	C13("A.12.4.4", "Clock synchronisation", CL12),
	C13("A.12.5.1", "Installation of software on operational systems",
	    CL12),
	C13("A.12.6.1", "Management of technical vulnerabilities", CL12),
	C13("A.12.6.2", "Restrictions on software installation", CL12),
	C13("A.12.7.1", "Information systems audit controls", CL12),

	C13("A.13.1.1", "Network controls", CL13),
	C13("A.13.1.2", "Security of network services", CL13),
	C13("A.13.1.3", "Segregation in networks", CL13),
	C13("A.13.2.1", "Information transfer policies and procedures", CL13),
	C13("A.13.2.2", "Agreements on information transfer", CL13),
	C13("A.13.2.3", "Electronic messaging", CL13),
	C13("A.13.2.4", "Confidentiality or non-disclosure agreements", CL13),

	C13("A.14.1.1", "Information security requirements analysis and "
	    "specification", CL14),
	C13("A.14.1.2", "Securing application services on public networks",
	    CL14),
	C13("A.14.1.3", "Protecting application services transactions", CL14),
	C13("A.14.2.1", "Secure development policy", CL14),
	C13("A.14.2.2", "System change control procedures", CL14),
	C13("A.14.2.3", "Technical review of applications after operating "
	    "platform changes", CL14),
	C13("A.14.2.4", "Restrictions on changes to software packages", CL14),
	C13("A.14.2.5", "Secure system engineering principles", CL14),
	C13("A.14.2.6", "Secure development environment", CL14),
	C13("A.14.2.7", "Outsourced development", CL14),
	C13("A.14.2.8", "System security testing", CL14),
	C13("A.14.2.9", "System acceptance testing", CL14),
	C13("A.14.3.1", "Protection of test data", CL14),

	C13("A.15.1.1", "Information security policy for supplier "
	    "relationships", CL15),
	C13("A.15.1.2", "Addressing security within supplier agreements", CL15),
	C13("A.15.1.3", "Information and communication technology supply chain",
	    CL15),
	C13("A.15.2.1", "Monitoring and review of supplier services", CL15),
	C13("A.15.2.2", "Managing changes to supplier services", CL15),

	C13("A.16.1.1", "Responsibilities and procedures", CL16),
	C13("A.16.1.2", "Reporting information security events", CL16),
	C13("A.16.1.3", "Reporting information security weaknesses", CL16),
	C13("A.16.1.4", "Assessment of and decision on information security "
	    "events", CL16),
	C13("A.16.1.5", "Response to information security incidents", CL16),
	C13("A.16.1.6", "Learning from information security incidents", CL16),
	C13("A.16.1.7", "Collection of evidence", CL16),

	C13("A.17.1.1", "Planning information security continuity", CL17),
	C13("A.17.1.2", "Implementing information security continuity", CL17),
	C13("A.17.1.3", "Verify, review and evaluate information security "
	    "continuity", CL17),
	C13("A.17.2.1", "Availability of information processing facilities",
	    CL17),

	C13("A.18.1.1", "Identification of applicable legislation and "
	    "contractual requirements", CL18),
	C13("A.18.1.2", "Intellectual property rights", CL18),
	C13("A.18.1.3", "Protection of records", CL18),
	C13("A.18.1.4", "Privacy and protection of personally identifiable "
	    "information", CL18),
	C13("A.18.1.5", "Regulation of cryptographic controls", CL18),
	C13("A.18.2.1", "Independent review of information security", CL18),
	C13("A.18.2.2", "Compliance with security policies and standards",
	    CL18),
	C13("A.18.2.3", "Technical compliance review", CL18),
};

static const struct {
	const char		*framework;
	const struct control	*controls;
	size_t			 count;
} catalogues[] = {
	{ CONTROLS_ISO27001_2022, iso27001_2022, NELEM(iso27001_2022) },
	{ CONTROLS_ISO27001_2013, iso27001_2013, NELEM(iso27001_2013) },
};

/* Index in catalogues[], or -1.  Framework names are matched exactly, as
 * rule packs must write them. */
static int
catalogue(const char *framework)
{
	size_t	i;

	if (framework == NULL)
		return -1;
	for (i = 0; i < NELEM(catalogues); i++)
		if (strcmp(framework, catalogues[i].framework) == 0)
			return (int)i;
	return -1;
}

int
controls_framework_known(const char *framework)
{
	return catalogue(framework) != -1;
}

const struct control *
controls_find(const char *framework, const char *id)
{
	size_t	i;
	int	c;

	if ((c = catalogue(framework)) == -1 || id == NULL)
		return NULL;
	/* At most 114 entries, searched when packs load and reports are
	 * written: a scan costs nothing worth an index. */
	for (i = 0; i < catalogues[c].count; i++)
		if (strcmp(id, catalogues[c].controls[i].id) == 0)
			return &catalogues[c].controls[i];
	return NULL;
}

size_t
controls_count(const char *framework)
{
	int	c;

	if ((c = catalogue(framework)) == -1)
		return 0;
	return catalogues[c].count;
}

const struct control *
controls_at(const char *framework, size_t i)
{
	int	c;

	if ((c = catalogue(framework)) == -1 || i >= catalogues[c].count)
		return NULL;
	return &catalogues[c].controls[i];
}
