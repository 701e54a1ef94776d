"""Demo articles, written for Parley. Links point at example domains on purpose."""

PM_VS_PM = """\
Every few weeks somebody asks me which of the two "PM" jobs they should aim for, as if product
management and project management were two flavours of the same thing. They share two letters
and a calendar full of meetings. Past that, they answer different questions, and the people who
are happiest in each are happy for different reasons.

## Two questions, two jobs

A project manager is accountable for **how** and **when**: a defined piece of work, delivered on
an agreed date, within an agreed budget, with the risks named before they bite. The project has a
start and an end, and success is visible on the day it ends.

A product manager is accountable for **what** and **why**: which problem is worth solving, for
whom, and how we will know that we solved it. A product has no end date. It keeps earning its
place, or it is retired.

My former colleague Ines Carvalho put it better than I can, in a post about her own switch from
one role to the other:

> The project plan told me whether we were building the thing right. Nobody had written down
> whether we were building the right thing, and it turned out that was the job I wanted.
>
> — [Ines Carvalho, *Leaving the Gantt chart behind*](https://ines.example.com/leaving-the-gantt-chart)

## Where people get confused

The confusion is understandable. In small companies one person often does both, and job
postings use the titles loosely. But when you look at what a person is measured on at the end of
a year, the difference is plain:

- **Project managers** are measured on delivery: scope met, date held, budget respected, surprises
  handled early.
- **Product managers** are measured on outcomes: customers who adopt, renew and recommend, and a
  business that grows because of what shipped.
- **Project managers** own the plan; **product managers** own the problem and the priorities.
- A good project manager makes a team *predictable*; a good product manager makes it *pointed in
  the right direction*. A team needs both, and rarely gets both from one person.

## Which one is for you?

Ask yourself what kind of Friday afternoon satisfies you. If it is crossing off the last
milestone and seeing the release go out exactly as planned, project management will reward you
for years. If it is watching a customer use something for the first time and realising it solved
a problem they had stopped complaining about, you are probably a product person.

Certifications help project managers more than product managers: the craft of planning is well
codified. Product management is learned mostly by doing, close to customers and close to the
engineers. Neither path is a promotion from the other.

Tell me in the comments which one you are in, and which one you would rather be in.
"""

ROADMAPS = """\
A roadmap is a promise about **direction**, not a contract about dates. The moment it lists
features with delivery days, it becomes a project plan wearing a product costume, and everyone
who reads it will hold you to the dates.

Three habits have kept my roadmaps honest:

1. Write each item as a problem ("new users give up while importing their data"), not a feature.
2. Use *now / next / later* instead of quarters, and say what would move an item between them.
3. Review it with sales and support, who hear the problems first.

A roadmap that never changes is either perfect or ignored. Mine has never been perfect.
"""

INTERVIEWS = """\
Half of the product managers I have hired could not have passed a certification exam, and it
never mattered. What I look for in an interview is simpler and harder to fake:

- Can you describe one customer problem in the customer's own words?
- Can you tell me something you decided **not** to build, and why?
- Can you explain a trade-off to an engineer without hand-waving?

If you are moving over from project management, bring stories about the moments you pushed back
on scope because it did not serve the user. Those stories are product management already.
"""

METRICS = """\
Counting things is easy; counting the right things is the job. A dashboard with forty charts is a
sign that nobody decided what success means.

Pick **one** number that tells you whether customers got value this week, and two or three that
warn you when you are buying that number at someone else's expense: support tickets, churn,
page weight. Then look at them together, every week, with the team that can move them.
"""

ARTICLES = [
    {
        "title": "Product management is not project management",
        "date": (2025, 5, 14, 8, 30),
        "tags": ["product management", "project management", "careers"],
        "body": PM_VS_PM,
        "reprint_note": "Reprinted in The Delivery Review, issue 42",
        "reprint_url": "https://delivery-review.example.org/issues/42",
        # A language is a name the editor knows or a BCP 47 tag; pages show the name and
        # give the tag as hreflang.
        "translations": [
            ("Português (Brasil)",
             "https://pt.product-desk.example.org/gestao-de-produto-nao-e-projeto"),
            ("Polski", "https://pl.product-desk.example.org/zarzadzanie-produktem"),
            ("zh-Hans", "https://zh.product-desk.example.org/chanpin-yu-xiangmu"),
        ],
    },
    {
        "title": "Roadmaps are promises about direction",
        "date": (2025, 6, 3, 9, 0),
        "tags": ["product management", "roadmaps"],
        "body": ROADMAPS,
    },
    {
        "title": "What I ask in a product manager interview",
        "date": (2025, 7, 21, 7, 45),
        "tags": ["careers", "hiring"],
        "body": INTERVIEWS,
    },
    {
        "title": "One number, and the three that keep it honest",
        "date": (2025, 9, 2, 10, 15),
        "tags": ["metrics", "product management"],
        "body": METRICS,
    },
]
