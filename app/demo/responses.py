"""Original demo responses for the demo article, written for Parley."""

RESPONSES = [
    {
        "key": "c1",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 38,
        "author_name": "Priya Raman",
        "author_email": "priya@example.com",
        "author_url": "https://priya.example.com",
        "body": (
            "The Friday-afternoon test is the best part of this. Mine is definitely the customer "
            "one: I once spent a whole sprint review grinning because a support agent told us "
            "she had finally deleted the spreadsheet she used to work around our import screen."
        ),
    },
    {
        "key": "c2",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 52,
        "author_name": "Tomasz Wierzbicki",
        "author_email": "tomasz.w@example.net",
        "author_url": "",
        "body": (
            "Eleven years as a project manager here, and I'd push back a little on *\"a good "
            'project manager makes a team predictable"*. Predictability is the result. The job '
            "itself is mostly negotiation: with suppliers, with finance, with the three people "
            "who each think their change request is the urgent one.\n\n"
            "Also, I have met plenty of product managers who couldn't tell you the date of "
            'anything and called it "outcome focus". Just saying.'
        ),
    },
    {
        "key": "c3",
        "kind": "comment",
        "status": "approved",
        "parent": "c2",
        "minutes": 140,
        "author_name": "Maya Okafor",
        "author_email": "maya@parley.example",
        "author_url": "",
        "body": (
            'Fair point, Tomasz. "Predictable" was shorthand and it undersells the '
            "negotiating, which is where most of the skill lives.\n\n"
            "On the second point: outcome focus is not a licence to ignore dates. The product "
            "managers I respect know exactly which dates matter, and why, and they say so early."
        ),
    },
    {
        "key": "c4",
        "kind": "comment",
        "status": "approved",
        "parent": "c3",
        "minutes": 205,
        "author_name": "Tomasz Wierzbicki",
        "author_email": "tomasz.w@example.net",
        "author_url": "",
        "body": (
            "That I can live with. Sharing it with our PMO, minus the bit about Fridays, because "
            "our Fridays are for status reports."
        ),
    },
    {
        "key": "c5",
        "kind": "comment",
        "status": "approved",
        "parent": "c4",
        "minutes": 260,
        "author_name": "Lena Hoffmann",
        "author_email": "lena.hoffmann@example.org",
        "author_url": "https://lena.example.org",
        "body": (
            "Tomasz, in my experience the best project managers *do* notice when a team is "
            "pointed the wrong way; they just aren't the ones who make the call. At least two of "
            "the pivots at my last company started with a project manager asking why a milestone "
            "nobody cared about was still on the plan."
        ),
    },
    {
        "key": "c6",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 310,
        "author_name": "Daniel Ferreira",
        "author_email": "daniel@example.net",
        "author_url": "https://delivery.example.net",
        "body": "Thanks, sharing this with my team.",
    },
    {
        "key": "c7",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 420,
        "author_name": "Aiko Tanaka",
        "author_email": "aiko@example.org",
        "author_url": "",
        "body": (
            "At a twelve-person startup I am both, and the hardest part is switching hats in the "
            'middle of one meeting. I have started literally saying "product hat on" before I '
            'argue about whether we should build something, and "project hat on" before I '
            "argue about when. People laughed at first. Now they do it too."
        ),
    },
    {
        "key": "c8",
        "kind": "comment",
        "status": "approved",
        "parent": "c7",
        "minutes": 515,
        "author_name": "Rahul Menon",
        "author_email": "rahul.menon@example.com",
        "author_url": "https://rahul.example.com",
        "body": (
            "We tried the hat thing as well and it helped more than I expected. The other trick "
            "that worked for us was splitting the meetings: Monday planning is project, Thursday "
            "is discovery and nobody is allowed to mention a deadline in it."
        ),
    },
    {
        "key": "c9",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 690,
        "author_name": "Sofia Marchetti",
        "author_email": "sofia@example.org",
        "author_url": "https://sofia.example.org",
        "body": (
            "Small correction: certifications for product people do exist, there are several "
            "product owner and product management programmes. I agree they matter less when you "
            'are hiring, but *"the craft of planning is well codified"* makes it sound as if '
            "there is nothing in product to codify. Discovery and prioritisation have their "
            "methods too.\n\n"
            "-- Sofia, coaching product teams at [sofia.example.org](https://sofia.example.org)"
        ),
    },
    {
        "key": "c10",
        "kind": "comment",
        "status": "approved",
        "parent": "c9",
        "minutes": 760,
        "author_name": "Maya Okafor",
        "author_email": "maya@parley.example",
        "author_url": "",
        "body": (
            "You are right that they exist; I should have said they carry less weight with the "
            "hiring managers I know. And yes, there are good methods for discovery. My view is "
            "that they help you ask better questions but they don't answer them for you, which "
            "is less true of a critical-path calculation. I'll be more careful with that "
            "sentence in the follow-up."
        ),
    },
    {
        "key": "c11",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 980,
        "author_name": "Kwame Asante",
        "author_email": "kwame@example.com",
        "author_url": "https://kwame.example.org",
        "body": (
            "A story from the hardware side. On my first big launch we had a product manager "
            "with a wonderful vision and a project manager, Joyce, who kept a risk register "
            "nobody read. Three weeks before the trade show a component supplier went quiet. "
            "Joyce had written that exact risk down in month two, with a second supplier already "
            "qualified. We made the show.\n\n"
            "The vision got the applause. The risk register got the product on the stand. I "
            'think of that whenever someone calls project management "just admin".\n\n'
            "*Kwame Asante, writing about hardware teams at "
            "[kwame.example.org](https://kwame.example.org)*"
        ),
    },
    {
        "key": "c12",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 1250,
        "author_name": "Arjun Bhatt",
        "author_email": "arjun.bhatt@example.com",
        "author_url": "",
        "body": (
            "A question for Maya or anyone who has been through this. I have a master's in "
            "computer science and two years as a backend developer. My company will pay for a "
            "part-time master's in project management, and I am tempted because I eventually "
            "want to become a product manager.\n\n"
            "Would that degree help, or is it the wrong one? I don't want to spend two years of "
            "evenings on something that points me in the wrong direction."
        ),
    },
    {
        "key": "c13",
        "kind": "comment",
        "status": "approved",
        "parent": "c12",
        "minutes": 1390,
        "author_name": "Maya Okafor",
        "author_email": "maya@parley.example",
        "author_url": "",
        "body": (
            "Arjun, the short answer: it won't hurt, but it isn't the shortest road. A project "
            "management degree will make you better at plans, risk and budgets. What a hiring "
            "manager for a product role wants to see is evidence of product judgement, and a "
            "degree can't show that.\n\n"
            "Your CS background is already an asset. To add the missing piece, ask to sit in on "
            "customer calls, offer to write the problem statement for the next feature your team "
            "builds, and read the support tickets for your area every week. A year of that gives "
            "you stories nobody can argue with.\n\n"
            "If the company pays and you would enjoy the course, go ahead, just don't expect the "
            "diploma to open the door on its own."
        ),
    },
    {
        "key": "c14",
        "kind": "comment",
        "status": "approved",
        "parent": "c13",
        "minutes": 1475,
        "author_name": "Arjun Bhatt",
        "author_email": "arjun.bhatt@example.com",
        "author_url": "",
        "body": (
            "Thank you, that is really helpful. I'll ask my manager about the customer calls "
            "first and decide about the degree in the autumn."
        ),
    },
    {
        "key": "c15",
        "kind": "comment",
        "status": "approved",
        "parent": "c12",
        "minutes": 1620,
        "author_name": "Hannah Lindqvist",
        "author_email": "hannah@example.net",
        "author_url": "",
        "body": (
            "Another data point for Arjun: I did that kind of degree after a few years in "
            "engineering. It got me a project manager job, which I genuinely liked for three "
            "years, and the move to product came later through an internal transfer. So it *can* "
            "be a path, just a longer one than Maya's suggestion."
        ),
    },
    {
        "key": "pb1",
        "kind": "pingback",
        "status": "approved",
        "parent": None,
        "minutes": 1805,
        "author_name": "Two PMs, one acronym | Notes from the Backlog",
        "author_email": "",
        "author_url": "https://backlog-notes.example.net/2025/05/two-pms",
        "body": (
            "Maya Okafor has a good piece this week on why product management is not project "
            "management. Her Friday-afternoon test is the most useful bit of career advice I "
            "have read this month, and I have already sent it to two people who asked me which "
            "PM they should be."
        ),
    },
    {
        "key": "c16",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 2100,
        "author_name": "Grace Mbeki",
        "author_email": "grace.mbeki@example.org",
        "author_url": "",
        "body": (
            'Sending this to our graduate cohort. Every year half of them put "PM" at the top '
            "of their wish list without knowing which one they mean."
        ),
    },
    {
        "key": "c17",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 2430,
        "author_name": "Marcus Bell",
        "author_email": "marcus@example.com",
        "author_url": "https://marcusbell.example.net",
        "body": (
            "I think the distinction is cleaner on paper than in real life. In most of the "
            'enterprises I\'ve worked in, the "product manager" is a backlog administrator with '
            "no say over what gets built, because the roadmap comes down from a steering "
            "committee once a year. Calling that product management is generous."
        ),
    },
    {
        "key": "c18",
        "kind": "comment",
        "status": "approved",
        "parent": "c17",
        "minutes": 2600,
        "author_name": "Lena Hoffmann",
        "author_email": "lena.hoffmann@example.org",
        "author_url": "https://lena.example.org",
        "body": (
            "Marcus, that is real, but it is a broken product role rather than a different "
            "definition of one. If nobody on the team owns the *why*, the job is missing, "
            "whatever the title says."
        ),
    },
    {
        "key": "c19",
        "kind": "comment",
        "status": "approved",
        "parent": "c18",
        "minutes": 2790,
        "author_name": "Marcus Bell",
        "author_email": "marcus@example.com",
        "author_url": "https://marcusbell.example.net",
        "body": (
            "Agreed that it's broken. My point is that the broken version is the majority of the "
            "job ads. Someone reading this post and then applying will mostly find the committee "
            "version."
        ),
    },
    {
        "key": "c20",
        "kind": "comment",
        "status": "approved",
        "parent": "c19",
        "minutes": 3050,
        "author_name": "Maya Okafor",
        "author_email": "maya@parley.example",
        "author_url": "",
        "body": (
            "You are both right, which is annoying. I wrote about the job as it should be; "
            "Marcus is describing the job as it is often advertised.\n\n"
            "If you are interviewing, ask: **what did this team decide not to build last "
            "quarter, and who decided?** The answer tells you which version you would be getting."
        ),
    },
    {
        "key": "c21",
        "kind": "comment",
        "status": "spam",
        "parent": None,
        "minutes": 3600,
        "author_name": "Lucky Spin Palace",
        "author_email": "bonus@lucky-spin.example.com",
        "author_url": "https://lucky-spin.example.com",
        "body": (
            "GREAT ARTICLE!!! Want to win BIG while you learn about management?? Visit [Lucky "
            "Spin Palace](https://lucky-spin.example.com/bonus) and claim 200 FREE SPINS today, "
            "best casino bonus of the year, no deposit needed!!!"
        ),
    },
    {
        "key": "c22",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 4300,
        "author_name": "Chloé Dubois",
        "author_email": "chloe.dubois@example.com",
        "author_url": "",
        "body": (
            "I'm torn and would love some outside advice. Offer A: project manager at a large "
            "insurer. Good salary, very stable, a clear path to programme manager. Offer B: "
            "associate product manager at a 40-person fintech, about 15% less money, plus equity "
            "that may be worth nothing.\n\n"
            "I'm 27 and have been a business analyst for four years. I have to answer both by "
            "Monday. Which would you pick, and why?"
        ),
    },
    {
        "key": "c23",
        "kind": "comment",
        "status": "approved",
        "parent": "c22",
        "minutes": 4520,
        "author_name": "Rahul Menon",
        "author_email": "rahul.menon@example.com",
        "author_url": "https://rahul.example.com",
        "body": (
            "Knowing nothing else, at 27 I would take B. But before you do, ask the fintech who "
            "you would report to and whether anyone there has done product before. An APM role "
            'without a senior product person to learn from can quickly become "do whatever the '
            'CEO said this morning".'
        ),
    },
    {
        "key": "c24",
        "kind": "comment",
        "status": "approved",
        "parent": "c22",
        "minutes": 4700,
        "author_name": "Tomasz Wierzbicki",
        "author_email": "tomasz.w@example.net",
        "author_url": "",
        "body": (
            "Devil's advocate: take A if the insurer lets you run projects that touch customers. "
            "Four years as a BA plus two years of delivery is a strong profile for a product "
            "role later, and you will have savings. Nobody tells you how often the startup "
            "equity story ends at zero."
        ),
    },
    {
        "key": "c25",
        "kind": "comment",
        "status": "approved",
        "parent": "c24",
        "minutes": 5010,
        "author_name": "Chloé Dubois",
        "author_email": "chloe.dubois@example.com",
        "author_url": "",
        "body": (
            "Thank you both. I asked the fintech Rahul's question and the answer was \"the CTO "
            'does product for now". That... helps? Still thinking.'
        ),
    },
    {
        "key": "c26",
        "kind": "comment",
        "status": "approved",
        "parent": "c25",
        "minutes": 5200,
        "author_name": "Maya Okafor",
        "author_email": "maya@parley.example",
        "author_url": "",
        "body": (
            "Chloé, that answer is not automatically a red flag; plenty of CTOs are good product "
            "mentors. Ask them to describe a decision where they changed their mind because of "
            "what customers did. If they can't, you would be learning product from someone who "
            "doesn't practise it.\n\n"
            "Good luck, and do tell us what you chose."
        ),
    },
    {
        "key": "c27",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 5900,
        "author_name": "Jakub Nowak",
        "author_email": "jakub.nowak@example.net",
        "author_url": "",
        "body": (
            'In Poland we mostly say "PM" for both and let the job ad sort it out. One thing '
            "the post doesn't mention: in agencies the project manager is usually the person "
            "facing the client, so they often get far more customer contact than the product "
            "owner on the client's side. Some of the best product instincts I have seen came "
            "from agency project managers."
        ),
    },
    {
        "key": "tb1",
        "kind": "trackback",
        "status": "approved",
        "parent": None,
        "minutes": 6400,
        "author_name": "Zarządzanie produktem to nie zarządzanie projektem | Zwinny Zespół",
        "author_email": "",
        "author_url": "https://zwinnyzespol.example.net/2025/05/produkt-a-projekt",
        "body": (
            "Maya Okafor pokazuje w swoim tekście, że kierownik projektu odpowiada za „jak” i "
            "„kiedy”, a menedżer produktu za „co” i „dlaczego”. Zgadzam się z nią w dziewięciu "
            "przypadkach na dziesięć, ale w wielu polskich firmach obie role wciąż łączy jedna "
            "osoba, i o tym chcę dziś napisać."
        ),
    },
    {
        "key": "c28",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 7200,
        "author_name": "Emily Carter",
        "author_email": "emily.carter@example.com",
        "author_url": "https://emilycarter.example.com",
        "body": (
            "I moved from project to product three years ago. What nobody warned me about: I "
            "lost the daily satisfaction of ticking things off. In product, whole weeks go by "
            "where the main output is a decision *not* to do something.\n\n"
            "It took me about six months to feel productive again. If you are making the same "
            "move, expect that dip and don't read it as a sign you chose wrong."
        ),
    },
    {
        "key": "c29",
        "kind": "comment",
        "status": "approved",
        "parent": "c28",
        "minutes": 7460,
        "author_name": "Aiko Tanaka",
        "author_email": "aiko@example.org",
        "author_url": "",
        "body": (
            "So true. I keep a decisions log now, partly for the team and partly so I can see "
            "that I did something this week."
        ),
    },
    {
        "key": "c30",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 8800,
        "author_name": "Roberto Salas",
        "author_email": "roberto.salas@example.org",
        "author_url": "",
        "body": (
            "I'm 46, a civil engineer who has managed construction projects for twenty years. "
            "Over the last year I have been helping my firm choose and configure its project "
            "software, and I enjoy it more than anything I have done in a long time.\n\n"
            "Is it realistic to move into software product management at my age, or am I kidding "
            "myself?"
        ),
    },
    {
        "key": "c31",
        "kind": "comment",
        "status": "approved",
        "parent": "c30",
        "minutes": 9300,
        "author_name": "Maya Okafor",
        "author_email": "maya@parley.example",
        "author_url": "",
        "body": (
            "Not kidding yourself at all, Roberto. Look first at companies whose customers are "
            "people like you: project-controls tools, site inspection apps, scheduling software "
            "for contractors. Deep domain knowledge is the hardest thing to hire for, and your "
            "twenty years are your portfolio.\n\n"
            "The gap to close is comfort with uncertainty. On a building site, finding out late "
            "that you were wrong is expensive. In software, finding out early that you were "
            "wrong is the whole point, and it takes some getting used to."
        ),
    },
    {
        "key": "c32",
        "kind": "comment",
        "status": "approved",
        "parent": "c31",
        "minutes": 9650,
        "author_name": "Roberto Salas",
        "author_email": "roberto.salas@example.org",
        "author_url": "",
        "body": (
            "Thank you, Maya. I hadn't thought of aiming at construction-software companies "
            "specifically. That changes the search completely."
        ),
    },
    {
        "key": "c33",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 10400,
        "author_name": "Li Wei",
        "author_email": "liwei@example.com",
        "author_url": "",
        "body": (
            "Clear and kind. The Friday test made me realise I'm a project person, and that this "
            "is fine."
        ),
    },
    {
        "key": "pb2",
        "kind": "pingback",
        "status": "approved",
        "parent": None,
        "minutes": 11800,
        "author_name": "产品经理和项目经理到底差在哪 | 小林的产品笔记",
        "author_email": "",
        "author_url": "https://xiaolin.example.com/posts/pm-vs-pm",
        "body": (
            "今天读到 Maya Okafor 的一篇文章，她说项目经理负责“怎么做、什么时候做”，产品经理负责"
            "“做什么、为什么做”。这个区分听起来很简单，但在很多公司里两个角色常常由同一个人担任，"
            "所以我想结合自己的经历聊一聊"
        ),
    },
    {
        "key": "c34",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 13500,
        "author_name": "Nadia Haddad",
        "author_email": "nadia@example.net",
        "author_url": "",
        "body": (
            'Small nit: "surprises handled early" reads a little oddly, since a surprise by '
            "definition can't be handled before it happens. Did you mean risks spotted early? "
            "Otherwise a lovely piece."
        ),
    },
    {
        "key": "c35",
        "kind": "comment",
        "status": "approved",
        "parent": "c34",
        "minutes": 13900,
        "author_name": "Maya Okafor",
        "author_email": "maya@parley.example",
        "author_url": "",
        "body": (
            "Ha, fair. I meant surprises handled while they are still small, before they turn "
            'into somebody else\'s emergency. "Early" was doing too much work in that sentence.'
        ),
    },
    {
        "key": "c36",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 16000,
        "author_name": "Stefan Ilić",
        "author_email": "stefan.ilic@example.com",
        "author_url": "",
        "body": (
            "I'm a Scrum Master and my company will pay for one certification this year. PMP or "
            "a product owner certificate? I want to end up in product, but my manager says the "
            'PMP is "more respected".'
        ),
    },
    {
        "key": "c37",
        "kind": "comment",
        "status": "approved",
        "parent": "c36",
        "minutes": 16900,
        "author_name": "Sofia Marchetti",
        "author_email": "sofia@example.org",
        "author_url": "https://sofia.example.org",
        "body": (
            '"More respected" by whom is the real question. If you want product, a product '
            "owner course at least gives you the vocabulary and a network of people doing the "
            "job. PMP preparation is a lot of study for a title you don't want.\n\n"
            "That said, neither will get you the job on its own; see Maya's point about learning "
            "by doing."
        ),
    },
    {
        "key": "c38",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 19800,
        "author_name": "Olivia Grant",
        "author_email": "olivia@example.org",
        "author_url": "https://hiring.example.org",
        "body": (
            "As a hiring manager for product roles I read a lot of CVs from project managers. "
            "The ones who get an interview describe **outcomes**: customers, numbers, decisions. "
            '"Delivered X on time and on budget" tells me you are a good project manager. '
            '"Noticed that customers were ignoring Y, so I cut it from scope and we shipped Z '
            'instead" tells me you might be a product manager.\n\n'
            "Olivia Grant -- notes on hiring at [hiring.example.org](https://hiring.example.org)"
        ),
    },
    {
        "key": "c39",
        "kind": "comment",
        "status": "approved",
        "parent": "c38",
        "minutes": 20500,
        "author_name": "Priya Raman",
        "author_email": "priya@example.com",
        "author_url": "https://priya.example.com",
        "body": "This is the most practical comment in the whole thread. Rewriting my CV tonight.",
    },
    {
        "key": "c40",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 24000,
        "author_name": "Jonas Berg",
        "author_email": "jonas.berg@example.net",
        "author_url": "",
        "body": (
            "I find the what/why versus how/when split a bit too neat. Good product managers "
            "care a lot about *how*, because technical trade-offs shape what is even possible. "
            "Good project managers care about *why*, otherwise they cannot rank the risks. It is "
            "a gradient, not a wall."
        ),
    },
    {
        "key": "c41",
        "kind": "comment",
        "status": "approved",
        "parent": "c40",
        "minutes": 24800,
        "author_name": "Maya Okafor",
        "author_email": "maya@parley.example",
        "author_url": "",
        "body": (
            "A gradient, yes. I'd still say each role is *accountable* for one end of it. Caring "
            "about something and being the person who answers for it are different things. But I "
            "like the picture, and I may borrow it."
        ),
    },
    {
        "key": "c42",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 28000,
        "author_name": "Amara Eze",
        "author_email": "amara.eze@example.com",
        "author_url": "",
        "body": (
            "I hope someone can answer my urgent request. I have a final-round interview for a "
            'product manager role on Thursday and they told me there will be a "product sense" '
            "exercise. I have been a project coordinator for three years and I have never done "
            "one.\n\n"
            "What should I prepare? Any help is really appreciated."
        ),
    },
    {
        "key": "c43",
        "kind": "comment",
        "status": "approved",
        "parent": "c42",
        "minutes": 28600,
        "author_name": "Olivia Grant",
        "author_email": "olivia@example.org",
        "author_url": "https://hiring.example.org",
        "body": (
            'Amara, in a product sense exercise nobody is looking for the "right" answer. Pick '
            "a user, describe their problem in one sentence, list three ways to solve it, choose "
            "one and say how you would know it worked. Say your trade-offs out loud as you go.\n"
            "\nPractise on an app you use every day. You have until Thursday; that is enough. "
            "Good luck!"
        ),
    },
    {
        "key": "c44",
        "kind": "comment",
        "status": "approved",
        "parent": "c43",
        "minutes": 29100,
        "author_name": "Amara Eze",
        "author_email": "amara.eze@example.com",
        "author_url": "",
        "body": "Thank you so much! Practising on my bus ticket app tonight.",
    },
    {
        "key": "tb2",
        "kind": "trackback",
        "status": "approved",
        "parent": None,
        "minutes": 33000,
        "author_name": "Gestão de produto na prática | Blog do Rui",
        "author_email": "",
        "author_url": "https://rui.example.com/gestao-de-produto-na-pratica",
        "body": (
            "A Maya Okafor escreveu um texto que eu gostava de ter lido há dez anos: o gestor de "
            "projeto responde pelo como e pelo quando, o gestor de produto pelo quê e pelo "
            "porquê. Cá na empresa passámos a usar o teste da sexta-feira à tarde nas conversas "
            "de carreira com a equipa"
        ),
    },
    {
        "key": "c45",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 36000,
        "author_name": "Beatriz Almeida",
        "author_email": "beatriz@example.com",
        "author_url": "",
        "body": (
            "Cheguei aqui pelo blog do Rui. Great article, and the Portuguese translation reads "
            "very naturally too."
        ),
    },
    {
        "key": "c46",
        "kind": "comment",
        "status": "approved",
        "parent": "c43",
        "minutes": 41000,
        "author_name": "Amara Eze",
        "author_email": "amara.eze@example.com",
        "author_url": "",
        "body": (
            "Update: I got the offer! The exercise was about a grocery delivery app and I used "
            "exactly that structure. Thank you Olivia, and thank you Maya for the blog."
        ),
    },
    {
        "key": "c47",
        "kind": "comment",
        "status": "approved",
        "parent": "c46",
        "minutes": 41300,
        "author_name": "Maya Okafor",
        "author_email": "maya@parley.example",
        "author_url": "",
        "body": "Congratulations, Amara! That made my week.",
    },
    {
        "key": "c48",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 45000,
        "author_name": "Daniel Ferreira",
        "author_email": "daniel@example.net",
        "author_url": "https://delivery.example.net",
        "body": (
            "Nobody has mentioned program managers yet. Where I work, technical program managers "
            "are a third flavour: they own delivery across several teams, and they often end up "
            "translating between product and engineering. Might be worth a follow-up post?\n\n"
            "*Daniel Ferreira, writing about delivery at "
            "[delivery.example.net](https://delivery.example.net)*"
        ),
    },
    {
        "key": "c49",
        "kind": "comment",
        "status": "approved",
        "parent": "c48",
        "minutes": 46200,
        "author_name": "Maya Okafor",
        "author_email": "maya@parley.example",
        "author_url": "",
        "body": (
            "Noted, and it's on the list. TPMs deserve their own post rather than a paragraph in "
            "this one."
        ),
    },
    {
        "key": "c50",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 52000,
        "author_name": "Fatima Khalil",
        "author_email": "fatima.khalil@example.org",
        "author_url": "",
        "body": (
            "We once shipped a feature exactly on time, under budget, with zero defects. Nobody "
            "used it. The project was a success and the product was a failure, and we threw a "
            "party for the first before anyone noticed the second.\n\n"
            "Your post explains that month better than our retrospective did."
        ),
    },
    {
        "key": "c51",
        "kind": "comment",
        "status": "approved",
        "parent": "c50",
        "minutes": 53000,
        "author_name": "Jakub Nowak",
        "author_email": "jakub.nowak@example.net",
        "author_url": "",
        "body": 'Ha, we had one of those. We still call it "the beautifully delivered mistake".',
    },
    {
        "key": "pb3",
        "kind": "pingback",
        "status": "approved",
        "parent": None,
        "minutes": 58000,
        "author_name": "Reading list, week 23 | The Delivery Review",
        "author_email": "",
        "author_url": "https://delivery-review.example.org/reading-list/week-23",
        "body": (
            "and from Maya Okafor, a clear-eyed piece on why product management is not project "
            "management, which we liked enough to ask for a reprint in a coming issue. Also this "
            "week: estimating in ranges, and why your status report is too long"
        ),
    },
    {
        "key": "c52",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 62000,
        "author_name": "Oluwaseun Adeyemi",
        "author_email": "seun.adeyemi@example.com",
        "author_url": "",
        "body": (
            "Fresh graduate here (economics). Every product manager job I see asks for two or "
            "three years of experience as a product manager. How does anyone get the first one?\n"
            "\nWould a project coordinator job be a reasonable first step, or would it box me in?"
        ),
    },
    {
        "key": "c53",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 70000,
        "author_name": "Helena Sousa",
        "author_email": "helena.sousa@example.net",
        "author_url": "",
        "body": (
            '*"Neither path is a promotion from the other"*: in theory. In practice, at three '
            "of the four companies I have worked for, product managers were paid more and sat "
            "closer to leadership. Project managers notice that."
        ),
    },
    {
        "key": "c54",
        "kind": "comment",
        "status": "approved",
        "parent": "c53",
        "minutes": 71500,
        "author_name": "Tomasz Wierzbicki",
        "author_email": "tomasz.w@example.net",
        "author_url": "",
        "body": "Thank you. I was waiting for someone else to say it so I wouldn't sound bitter.",
    },
    {
        "key": "c55",
        "kind": "comment",
        "status": "approved",
        "parent": "c54",
        "minutes": 72800,
        "author_name": "Maya Okafor",
        "author_email": "maya@parley.example",
        "author_url": "",
        "body": (
            "You don't sound bitter, Tomasz, you sound observant. The pay gap exists and I "
            "shouldn't have written as if it doesn't.\n\n"
            "My point was narrower: the skills of one are not a subset of the other, so moving "
            "across is a change of job rather than a step up. A company that pays it like a step "
            "up is telling you something about how much it values delivery."
        ),
    },
    {
        "key": "c56",
        "kind": "comment",
        "status": "approved",
        "parent": "c55",
        "minutes": 73900,
        "author_name": "Helena Sousa",
        "author_email": "helena.sousa@example.net",
        "author_url": "",
        "body": "That is a distinction I can get behind.",
    },
    {
        "key": "c57",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 82000,
        "author_name": "Chen Jing",
        "author_email": "chenjing@example.com",
        "author_url": "",
        "body": (
            "从中文翻译过来的，谢谢！This is the clearest explanation I have found, in either "
            "language."
        ),
    },
    {
        "key": "c58",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 90000,
        "author_name": "Greg Thompson",
        "author_email": "greg.t@example.com",
        "author_url": "",
        "body": (
            'My job title is "Product Project Manager". I have read this post three times and '
            "I still don't know what I am."
        ),
    },
    {
        "key": "c59",
        "kind": "comment",
        "status": "approved",
        "parent": "c58",
        "minutes": 90600,
        "author_name": "Aiko Tanaka",
        "author_email": "aiko@example.org",
        "author_url": "",
        "body": (
            "Sounds like you are both, which usually means you are doing the work of two people. "
            "Ask for a raise."
        ),
    },
    {
        "key": "c60",
        "kind": "comment",
        "status": "spam",
        "parent": None,
        "minutes": 98000,
        "author_name": "Best Pharma Deals",
        "author_email": "sales@cheap-meds.example.net",
        "author_url": "https://cheap-meds.example.net",
        "body": (
            "Nice post. Buy cheap pills online, NO prescription needed, fast discreet delivery "
            "worldwide at [best pharma deals](https://cheap-meds.example.net/offer). Use "
            "discount code PM2025 for 30% off!!!"
        ),
    },
    {
        "key": "c61",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 110000,
        "author_name": "Mei Lin",
        "author_email": "meilin@example.org",
        "author_url": "",
        "body": (
            "I'm a project manager at a pharmaceutical company and I have been offered a product "
            "owner role in our internal IT team. Is a product owner the same as a product "
            "manager? Would it count as product experience if I later want to move to a software "
            "company?"
        ),
    },
    {
        "key": "c62",
        "kind": "comment",
        "status": "approved",
        "parent": "c61",
        "minutes": 112000,
        "author_name": "Lena Hoffmann",
        "author_email": "lena.hoffmann@example.org",
        "author_url": "https://lena.example.org",
        "body": (
            "Mei, it depends on what the role actually lets you decide. If you will talk to the "
            "people who use the internal tools, choose what gets built and measure whether it "
            "helped, that is product experience, whatever the title. If you will mostly write "
            "tickets for decisions made elsewhere, it is closer to the committee version Marcus "
            "described above.\n\n"
            "Ask them for an example of something the last product owner decided to drop."
        ),
    },
    {
        "key": "c63",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 125000,
        "author_name": "Chloé Dubois",
        "author_email": "chloe.dubois@example.com",
        "author_url": "",
        "body": (
            "Months later: I took the fintech offer (I'm the two-offers person from further up). "
            "The CTO did answer Maya's question, a little hesitantly, but honestly.\n\n"
            "Four months in, I have killed two features and shipped one that people actually "
            "use. Best decision so far, pay cut included."
        ),
    },
    {
        "key": "c64",
        "kind": "comment",
        "status": "approved",
        "parent": "c63",
        "minutes": 126500,
        "author_name": "Rahul Menon",
        "author_email": "rahul.menon@example.com",
        "author_url": "https://rahul.example.com",
        "body": (
            "Great to hear, Chloé. Two killed and one adopted in four months is a very "
            "respectable ratio."
        ),
    },
    {
        "key": "pb4",
        "kind": "pingback",
        "status": "approved",
        "parent": None,
        "minutes": 140000,
        "author_name": "Carreira em produto: por onde começar | Café com Produto",
        "author_email": "",
        "author_url": "https://cafecomproduto.example.org/carreira-em-produto",
        "body": (
            "Se você está em dúvida entre gestão de produto e gestão de projetos, comece pelo "
            "artigo da Maya Okafor, que explica a diferença melhor do que muito curso que já "
            "fiz. Depois volte aqui, porque hoje vamos falar de como montar um portfólio sem ter "
            "o cargo"
        ),
    },
    {
        "key": "tb3",
        "kind": "trackback",
        "status": "approved",
        "parent": None,
        "minutes": 165000,
        "author_name": "从项目经理转型产品经理的第一年 | 阿杰的博客",
        "author_email": "",
        "author_url": "https://ajie.example.net/2025/10/first-year-in-product",
        "body": (
            "转岗之前，我一直以为产品经理就是“更高级的项目经理”。后来读了 Maya Okafor 的文章才明"
            "白，两者衡量的东西完全不同：一个看交付，一个看结果。回头看这一年，我最大的变化是"
        ),
    },
    {
        "key": "c65",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 180000,
        "author_name": "Irene Castillo",
        "author_email": "irene.castillo@example.com",
        "author_url": "https://irene.example.com",
        "body": (
            "I was a teacher before I became a project manager at an edtech company. Applying "
            "the Friday test: my favourite moment of the year was when a teacher told me she had "
            "got her Sunday evenings back because of our marking tool. I think I may be in the "
            "wrong PM."
        ),
    },
    {
        "key": "c66",
        "kind": "comment",
        "status": "approved",
        "parent": "c65",
        "minutes": 181500,
        "author_name": "Maya Okafor",
        "author_email": "maya@parley.example",
        "author_url": "",
        "body": (
            "Irene, that sentence about Sunday evenings is a product manager's sentence. Start "
            "collecting them; they are exactly the stories interviewers ask for."
        ),
    },
    {
        "key": "c67",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 200000,
        "author_name": "Piotr Zieliński",
        "author_email": "piotr.zielinski@example.net",
        "author_url": "",
        "body": (
            "Trafiłem tu przez Zwinny Zespół. In English for everyone else: the part about "
            "certifications rang true. At my company the people with a PMP were promoted faster, "
            "but I can't say they made better decisions."
        ),
    },
    {
        "key": "c68",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 222000,
        "author_name": "Ana Petrović",
        "author_email": "ana.petrovic@example.org",
        "author_url": "",
        "body": (
            "I have an MBA and five years in strategy consulting. Recruiters keep steering me "
            'towards "program manager" roles at tech companies rather than product. Is that a '
            "back door into product or a dead end? I'd appreciate hearing from anyone who has "
            "tried it."
        ),
    },
    {
        "key": "c69",
        "kind": "comment",
        "status": "approved",
        "parent": None,
        "minutes": 240000,
        "author_name": "Li Wei",
        "author_email": "liwei@example.com",
        "author_url": "",
        "body": (
            "Rereading this six months later, after becoming a project manager on purpose. Still "
            "agree with every word. Our release went out exactly as planned last Friday, and it "
            "was a very good Friday."
        ),
    },
    {
        "key": "c70",
        "kind": "comment",
        "status": "approved",
        "parent": "c69",
        "minutes": 241000,
        "author_name": "Maya Okafor",
        "author_email": "maya@parley.example",
        "author_url": "",
        "body": "Li, this made me smile. Enjoy the good Fridays, you have earned them.",
    },
    {
        "key": "c71",
        "kind": "comment",
        "status": "pending",
        "parent": None,
        "minutes": 268000,
        "author_name": "Victor Lemaire",
        "author_email": "victor@example.com",
        "author_url": "",
        "body": "Still the link I send every time someone asks me what the difference is. Thanks.",
    },
    {
        "key": "c72",
        "kind": "comment",
        "status": "pending",
        "parent": None,
        "minutes": 281000,
        "author_name": "Ravi Shankar",
        "author_email": "ravi.shankar@example.net",
        "author_url": "",
        "body": (
            "Is it normal for a product manager to also write the project plan and track the "
            "budget? My new job description says both, and after reading this I'm worried I've "
            "been hired as two people. How do you push back in the first month without looking "
            "difficult?"
        ),
    },
    {
        "key": "c73",
        "kind": "comment",
        "status": "pending",
        "parent": None,
        "minutes": 292000,
        "author_name": "Grace Mbeki",
        "author_email": "grace.mbeki@example.org",
        "author_url": "",
        "body": (
            "Our new graduate cohort starts next week and this is on their reading list again. "
            "Seven months on it hasn't aged at all."
        ),
    },
    {
        "key": "c74",
        "kind": "comment",
        "status": "pending",
        "parent": None,
        "minutes": 299800,
        "author_name": "Hannah Lindqvist",
        "author_email": "hannah@example.net",
        "author_url": "",
        "body": (
            "Any chance of the TPM follow-up Daniel asked about? I'd read it the day it comes out."
        ),
    },
]
