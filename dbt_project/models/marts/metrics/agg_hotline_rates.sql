-- 12345 按期办结率, 办结率 and 满意率 by region, year and month of receipt (DOMAIN.md §4):
--   按期办结率 = closed by the due date ÷ tickets that fell due; 办结率 = closed ÷ received;
--   满意率 = (满意 + 基本满意) ÷ evaluated (未评价 is not an evaluation).

with

tickets as (

    select * from {{ ref('stg_hotline__tickets') }}

),

close_duties as (

    select
        source_key as ticket_no,
        status
    from {{ ref('fct_obligations') }}
    where obligation_kind = 'hotline_close'

),

joined as (

    select
        tickets.region_code,
        tickets.received_at,
        tickets.closed_at,
        tickets.satisfaction,
        close_duties.status as close_status
    from tickets
    left join close_duties
        on tickets.ticket_no = close_duties.ticket_no
    where
        tickets.channel = '12345'
        and cast(tickets.received_at as date) <= {{ as_of_date() }}

),

counted as (

    select
        region_code,
        extract(year from received_at) as received_year,
        extract(month from received_at) as received_month,
        count(*) as tickets_received,
        sum(
            case
                when closed_at is not null and cast(closed_at as date) <= {{ as_of_date() }} then 1 else 0
            end
        ) as tickets_closed,
        sum(case when close_status = '按期' then 1 else 0 end) as closed_on_time,
        sum(case when close_status in ('按期', '逾期回复', '逾期未回复') then 1 else 0 end) as tickets_due,
        sum(case when satisfaction in ('满意', '基本满意') then 1 else 0 end) as satisfied,
        sum(case when satisfaction in ('满意', '基本满意', '不满意') then 1 else 0 end) as evaluated
    from joined
    group by
        region_code,
        extract(year from received_at),
        extract(month from received_at)

),

final as (

    select
        *,
        {{ safe_divide('closed_on_time', 'tickets_due') }} as on_time_close_rate,
        {{ safe_divide('tickets_closed', 'tickets_received') }} as close_rate,
        {{ safe_divide('satisfied', 'evaluated') }} as satisfaction_rate,
        {{ as_of_date() }} as as_of_date
    from counted

)

select * from final
